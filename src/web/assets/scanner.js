// The "Code" field: a USB or Bluetooth scanner types the code and Enter, which submits the
// form (no script needed). This module keeps the field ready for the next scan and offers the
// camera on devices that have one; the camera code loads only when the button is pressed.
const form = document.querySelector('[data-scanner]');
if (form) {
  const input = form.querySelector('input[name="code"]');
  const camera = form.querySelector('[data-camera]');
  form.addEventListener('submit', (event) => {
    const value = input.value.trim();
    if (!value) {
      event.preventDefault();
      input.focus();
      return;
    }
    input.value = value;
    // Remember when Enter was pressed: the next page reports how long the scan took.
    try {
      sessionStorage.setItem('scan-started', String(performance.timeOrigin + performance.now()));
    } catch {
      /* private mode: no timing */
    }
  });
  if (camera && navigator.mediaDevices?.getUserMedia) {
    camera.hidden = false;
    camera.addEventListener('click', async () => {
      const { startCamera } = await import(camera.dataset.module || document.querySelector('meta[name="camera-module"]').content);
      startCamera(form, input);
    });
  }
}

// On the page a scan led to: the time from Enter to this page shown, for the curious and the tests.
try {
  const started = Number(sessionStorage.getItem('scan-started'));
  if (started && new URLSearchParams(location.search).get('scan') === '1') {
    sessionStorage.removeItem('scan-started');
    const shown = () => {
      document.documentElement.dataset.scanMs = String(Math.round(performance.timeOrigin + performance.now() - started));
    };
    if (document.readyState === 'complete') shown();
    else addEventListener('load', shown, { once: true });
  }
} catch {
  /* no timing */
}
