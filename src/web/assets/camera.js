// Reads a QR code with the camera: the browser's BarcodeDetector where it exists, otherwise the
// jsQR decoder served by the app (loaded here, on first use only).
let decoderLoaded;

function loadJsQr() {
  decoderLoaded ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = document.querySelector('meta[name="jsqr"]').content;
    script.onload = () => resolve(window.jsQR);
    script.onerror = reject;
    document.head.append(script);
  });
  return decoderLoaded;
}

async function detector() {
  if ('BarcodeDetector' in window) {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (formats.includes('qr_code')) {
      const native = new window.BarcodeDetector({ formats: ['qr_code'] });
      return async (video) => (await native.detect(video))[0]?.rawValue;
    }
  }
  const jsQR = await loadJsQr();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(image.data, image.width, image.height)?.data;
  };
}

export async function startCamera(form, input) {
  const view = form.querySelector('[data-camera-view]');
  const video = view.querySelector('video');
  const status = view.querySelector('[data-camera-status]');
  const stopButton = view.querySelector('[data-camera-stop]');
  view.hidden = false;
  status.textContent = 'Ouverture de la caméra…';
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch {
    status.textContent = 'La caméra n’est pas disponible : autorisez-la ou tapez le code.';
    return;
  }
  let running = true;
  const stop = () => {
    running = false;
    stream.getTracks().forEach((track) => track.stop());
    view.hidden = true;
    input.focus();
  };
  stopButton.onclick = stop;
  video.srcObject = stream;
  await video.play();
  status.textContent = 'Visez le QR code de l’étiquette.';
  const read = await detector();
  const tick = async () => {
    if (!running) return;
    const value = video.readyState >= 2 ? await read(video).catch(() => undefined) : undefined;
    if (value) {
      stop();
      input.value = value;
      form.requestSubmit();
      return;
    }
    requestAnimationFrame(tick);
  };
  tick();
}
