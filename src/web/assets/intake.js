// Saisie rapide: a keyboard-only grid. The kind is chosen once; each Enter adds a line that
// carries brand, model and weight over from the line above; duplicate serials (in the grid or
// already registered) are flagged before sending; "Enregistrer" sends one batch with an
// Idempotency-Key made when the page was drawn, so a double click creates nothing twice.
const form = document.querySelector('[data-intake]');
const csrf = document.querySelector('meta[name="csrf-token"]').content;

if (form) {
  const rows = form.querySelector('[data-rows]');
  // On a phone the table scrolls sideways: a cell reached by Tab or Enter is brought into view.
  rows.addEventListener('focusin', (event) => event.target.scrollIntoView({ block: 'nearest', inline: 'nearest' }));
  // Outside the form: it stays visible (and announced) once the saved grid is put away.
  const status = document.querySelector('[data-intake-status]');
  const save = form.querySelector('[data-save]');
  const known = new Map();
  let sending = false;

  const cell = (row, name) => row.querySelector(`[name="${name}"]`);
  const lines = () => [...rows.querySelectorAll('tr')];

  function addRow(from) {
    const n = rows.children.length + 1;
    const tr = document.createElement('tr');
    const field = (name, label, extra = '') =>
      `<td><input name="${name}" aria-label="${label}, ligne ${n}" autocomplete="off" spellcheck="false" ${extra}></td>`;
    tr.innerHTML =
      `<th scope="row">${n}</th>` +
      field('serialNumber', 'Numéro de série', 'autocapitalize="characters"') +
      field('brand', 'Marque') +
      field('model', 'Modèle') +
      field('weightKg', 'Poids en kg', 'inputmode="decimal" size="6"') +
      '<td data-check></td>';
    rows.append(tr);
    if (from) for (const name of ['brand', 'model', 'weightKg']) cell(tr, name).value = cell(from, name).value;
    cell(tr, 'serialNumber').focus();
    return tr;
  }

  const normal = (serial) => serial.trim().toUpperCase().replace(/\s+/g, '');

  async function check() {
    const seen = new Map();
    let problems = 0;
    for (const tr of lines()) {
      const serial = normal(cell(tr, 'serialNumber').value);
      const out = tr.querySelector('[data-check]');
      let message = '';
      if (serial && seen.has(serial)) message = `Doublon de la ligne ${seen.get(serial)}`;
      else if (serial && known.get(serial)) message = `Déjà enregistré : ${known.get(serial)}`;
      if (serial && !seen.has(serial)) seen.set(serial, tr.rowIndex);
      out.textContent = message;
      tr.classList.toggle('dup', Boolean(message));
      cell(tr, 'serialNumber').setAttribute('aria-invalid', message ? 'true' : 'false');
      if (message) problems++;
    }
    return problems;
  }

  async function lookUp(serial) {
    if (!serial || known.has(serial)) return;
    known.set(serial, '');
    const res = await fetch(`/appareils/numero-de-serie?valeur=${encodeURIComponent(serial)}`, { headers: { Accept: 'application/json' } });
    if (res.ok) {
      const device = await res.json();
      known.set(serial, `${device.assetTag} (${device.status})`);
    }
    check();
  }

  rows.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !(event.target instanceof HTMLInputElement)) return;
    event.preventDefault();
    const tr = event.target.closest('tr');
    lookUp(normal(cell(tr, 'serialNumber').value));
    const next = tr.nextElementSibling;
    if (next) cell(next, 'serialNumber').focus();
    else addRow(tr);
    check();
  });
  rows.addEventListener('change', (event) => {
    const tr = event.target.closest('tr');
    lookUp(normal(cell(tr, 'serialNumber').value));
    check();
  });

  function items() {
    const kind = form.querySelector('[name="kind"]').value;
    const all = lines();
    return all
      .filter((tr, i) => i < all.length - 1 || cell(tr, 'serialNumber').value.trim())
      .map((tr) => {
        const item = { kind };
        const serial = cell(tr, 'serialNumber').value.trim();
        const brand = cell(tr, 'brand').value.trim();
        const model = cell(tr, 'model').value.trim();
        const weight = cell(tr, 'weightKg').value.trim().replace(',', '.');
        if (serial) item.serialNumber = serial;
        if (brand) item.brand = brand;
        if (model) item.model = model;
        if (weight) item.weightKg = Number.isNaN(Number(weight)) ? weight : Number(weight);
        return item;
      });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    const batch = items();
    if ((await check()) > 0) {
      status.textContent = 'Corrigez les doublons signalés avant d’enregistrer.';
      return;
    }
    if (!batch.length) {
      status.textContent = 'Aucune ligne à enregistrer.';
      return;
    }
    sending = true;
    save.disabled = true;
    status.textContent = 'Enregistrement…';
    try {
      const res = await fetch(form.dataset.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': form.dataset.key, 'X-CSRF-Token': csrf },
        body: JSON.stringify(batch),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        // Saved: the button stays disabled, the grid is put away.
        done(body.items);
        return;
      }
      const details = (body.errors ?? []).map((e) => `ligne ${e.line} : ${e.message}`).join(' ; ');
      status.textContent = `${body.message ?? 'L’enregistrement a échoué.'} ${details}`;
    } catch {
      status.textContent = 'Le serveur ne répond pas : vérifiez la connexion puis enregistrez à nouveau (rien ne sera créé deux fois).';
    }
    sending = false;
    save.disabled = false;
  });

  function done(items) {
    const section = document.querySelector('[data-intake-done]');
    const list = section.querySelector('[data-done-list]');
    list.replaceChildren(
      ...items.map((d) => {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = `/appareils/${d.id}`;
        a.textContent = d.assetTag;
        li.append(a, d.serialNumber ? ` — ${d.serialNumber}` : '');
        return li;
      }),
    );
    section.querySelector('[name="tags"]').value = items.map((d) => d.assetTag).join(',');
    const n = items.length;
    status.textContent = `${n} appareil${n > 1 ? 's' : ''} enregistré${n > 1 ? 's' : ''} : imprimez ${n > 1 ? 'leurs étiquettes' : 'son étiquette'} ci-dessous.`;
    // The batch is saved: the grid is emptied and put away so nothing can be sent twice by mistake.
    rows.replaceChildren();
    form.hidden = true;
    section.hidden = false;
    section.querySelector('h2').focus();
  }

  const first = addRow();
  // Arrived from the scanner with an unknown serial number: it fills the first line.
  if (form.dataset.serial) cell(first, 'serialNumber').value = form.dataset.serial;
}
