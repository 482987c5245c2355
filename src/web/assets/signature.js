// The two signature pads of the contract page (signature_pad, served by the app). Each pad's
// drawing goes into its hidden field as a PNG when the form is sent; an empty pad stops the
// form with a message next to it. Without this script the server refuses the empty fields.
// After a refused form the server shows each drawing it received as an image in its frame
// (hidden field still filled): it is sent again as it is, and "Effacer" gives the pad back.
const form = document.querySelector('form[data-signature-form]');
if (form) {
  const { default: SignaturePad } = await import(form.dataset.padModule);
  // What is sent: at most 1,000 pixels wide (the server keeps at most 1,200), so two fit in a form.
  const MAX_WIDTH = 1000;

  const pads = [...form.querySelectorAll('[data-pad]')].map((box) => {
    const canvas = box.querySelector('canvas');
    const field = box.querySelector('input[type="hidden"]');
    const error = box.querySelector('[data-pad-error]');
    const hint = box.querySelector('.hint');
    let kept = box.querySelector('[data-pad-kept]');
    const pad = new SignaturePad(canvas, { penColor: '#10243e', minWidth: 1, maxWidth: 2.8 });
    const showError = (message) => {
      error.textContent = message;
      error.hidden = !message;
      box.classList.toggle('missing', Boolean(message));
      if (message) canvas.setAttribute('aria-invalid', 'true');
      else canvas.removeAttribute('aria-invalid');
    };
    // A canvas drawn at the screen's pixel density; the strokes survive a rotation or resize.
    const fit = () => {
      const ratio = Math.min(Math.max(window.devicePixelRatio || 1, 1), 2);
      const strokes = pad.toData();
      canvas.width = Math.round(canvas.offsetWidth * ratio);
      canvas.height = Math.round(canvas.offsetHeight * ratio);
      canvas.getContext('2d').scale(ratio, ratio);
      pad.clear();
      pad.fromData(strokes);
    };
    fit();
    let width = canvas.offsetWidth;
    new ResizeObserver(() => {
      if (canvas.offsetWidth !== width) {
        width = canvas.offsetWidth;
        fit();
      }
    }).observe(canvas);
    pad.addEventListener('endStroke', () => showError(''));
    box.querySelector('[data-pad-clear]').addEventListener('click', () => {
      pad.clear();
      field.value = '';
      if (kept) {
        kept.remove();
        kept = null;
        canvas.hidden = false;
        hint.textContent = box.dataset.hint;
      }
    });
    const png = () => {
      if (canvas.width <= MAX_WIDTH) return pad.toDataURL('image/png');
      const small = document.createElement('canvas');
      small.width = MAX_WIDTH;
      small.height = Math.round((canvas.height * MAX_WIDTH) / canvas.width);
      small.getContext('2d').drawImage(canvas, 0, 0, small.width, small.height);
      return small.toDataURL('image/png');
    };
    return { box, pad, field, showError, png, isKept: () => Boolean(kept) };
  });

  form.addEventListener('submit', (event) => {
    let firstEmpty;
    for (const p of pads) {
      if (p.isKept()) continue;
      if (p.pad.isEmpty()) {
        p.field.value = '';
        p.showError(p.box.dataset.emptyMessage);
        firstEmpty ??= p;
      } else {
        p.field.value = p.png();
        p.showError('');
      }
    }
    if (firstEmpty) {
      event.preventDefault();
      firstEmpty.box.scrollIntoView({ block: 'center' });
      firstEmpty.box.focus({ preventScroll: true });
    }
  });
  form.dataset.ready = 'true';
}
