// Attendance on a phone: a tap is shown at once, kept in localStorage and sent; when the network
// fails it stays queued and is sent when the connection returns. Attendance is a state per
// person (the last tap wins, setting the same status twice changes nothing on the server), so
// the queue holds one status per person and a re-sent tap never counts twice. Each tap carries
// the time it was made: the server keeps the newest, so a tap sent late does not undo one made
// since on another phone; it answers with the mark it kept, shown in place of the late tap.
// Without this script the same buttons post a plain form.

const list = document.querySelector('[data-attendance]');
const STATUSES = ['present', 'absent', 'excused'];
const WORDS = { pending: 'en attente d’envoi', saved: 'enregistré', refused: 'refusé : rechargez la page', superseded: 'pointé entre-temps sur un autre appareil : gardé' };
const RETRY_MS = 5000;
const plural = new Intl.PluralRules('fr');
// A tap older than this is not sent: a phone back online hours later must not overwrite the
// corrections made since. Taps are kept per signed-in user; another user's are dropped.
const MAX_AGE_MS = 2 * 60 * 60 * 1000;
const PREFIX = 'ordipratique:presences:';

if (list) {
  const mine = `${PREFIX}${list.dataset.user}:`;
  const key = `${mine}${list.dataset.session}`;
  for (const stored of Object.keys(localStorage)) if (stored.startsWith(PREFIX) && !stored.startsWith(mine)) localStorage.removeItem(stored);
  const endpoint = list.dataset.endpoint;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const banner = document.querySelector('[data-connection]');
  const rowOf = (id) => list.querySelector(`li[data-enrolment="${CSS.escape(id)}"]`);
  // Taps are sent with their time on the server's clock (the page says what it was when sent):
  // a phone whose clock is off still has its taps ordered right against other devices'.
  const offset = (Date.parse(list.dataset.now) || Date.now()) - Date.now();

  // The queue maps a person to their last tap, { status, at } (at: milliseconds since 1970).
  const read = () => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? '{}') ?? {};
    } catch {
      return {};
    }
  };
  const fresh = (tap) => tap && STATUSES.includes(tap.status) && typeof tap.at === 'number' && Date.now() - tap.at < MAX_AGE_MS;
  const stamped = () => Object.fromEntries(Object.entries(read()).filter(([, tap]) => fresh(tap)));
  const store = (taps) => {
    if (Object.keys(taps).length) localStorage.setItem(key, JSON.stringify(taps));
    else localStorage.removeItem(key);
  };
  const load = () => stamped();

  const show = (row, status, state) => {
    row.dataset.status = status ?? '';
    for (const button of row.querySelectorAll('button[name="status"]')) button.setAttribute('aria-pressed', String(button.value === status));
    const label = row.querySelector('[data-state]');
    label.dataset.state = state;
    label.textContent = WORDS[state] ?? '';
  };

  const tally = () => {
    const rows = [...list.querySelectorAll('li[data-enrolment]')];
    for (const status of [...STATUSES, 'none']) {
      const n = rows.filter((row) => (row.dataset.status || 'none') === status).length;
      const cell = document.querySelector(`[data-count="${status}"]`);
      if (!cell) continue;
      cell.textContent = String(n);
      // The word agrees with the count as the server wrote it: French counts 0 and 1 as singular.
      const word = cell.parentElement.querySelector('[data-word]');
      if (word) word.textContent = plural.select(n) === 'one' ? word.dataset.one : word.dataset.other;
    }
  };

  const announce = (offline) => {
    const waiting = Object.keys(load()).length;
    banner.hidden = waiting === 0 && !offline;
    banner.classList.toggle('offline', offline);
    banner.textContent = offline
      ? `Pas de connexion : ${waiting} pointage${waiting > 1 ? 's' : ''} en attente d’envoi, gardé${waiting > 1 ? 's' : ''} sur cet appareil.`
      : waiting
        ? `Envoi de ${waiting} pointage${waiting > 1 ? 's' : ''}…`
        : '';
  };

  let sending = false;
  let timer;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, RETRY_MS);
  };

  async function flush() {
    if (sending) return;
    const queue = load();
    const ids = Object.keys(queue);
    if (!ids.length) return announce(false);
    sending = true;
    let offline = false;
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': token },
        body: JSON.stringify({ records: ids.map((enrolmentId) => ({ enrolmentId, status: queue[enrolmentId].status, tappedAt: new Date(queue[enrolmentId].at + offset).toISOString() })) }),
      });
      if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 429)) {
        const answer = response.ok ? await response.json().catch(() => ({})) : {};
        const kept = new Map((answer.items ?? []).map((item) => [item.enrolmentId, item]));
        const now = stamped();
        // Sent (or refused for good): forget what was sent, unless the person was tapped again meanwhile.
        for (const id of ids) {
          if (now[id]?.at !== queue[id].at) continue;
          delete now[id];
          const row = rowOf(id);
          if (!row) continue;
          if (kept.get(id)?.superseded) show(row, kept.get(id).status, 'superseded');
          else show(row, queue[id].status, response.ok ? 'saved' : 'refused');
        }
        store(now);
        tally();
      } else {
        offline = true;
      }
    } catch {
      offline = true;
    } finally {
      sending = false;
    }
    announce(offline);
    if (!Object.keys(load()).length) return;
    if (offline) later();
    else flush();
  }

  list.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const status = event.submitter?.value;
    if (!STATUSES.includes(status)) return;
    const id = form.elements.enrolmentId.value;
    const taps = stamped();
    taps[id] = { status, at: Date.now() };
    store(taps);
    show(rowOf(id), status, 'pending');
    tally();
    flush();
  });

  // Taps left from a page closed before they were sent: shown as waiting, then sent.
  for (const [id, tap] of Object.entries(load())) {
    const row = rowOf(id);
    if (row) show(row, tap.status, 'pending');
  }
  tally();
  window.addEventListener('online', flush);
  flush();
}
