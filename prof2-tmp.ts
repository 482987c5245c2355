import { createPdf, mm } from './src/pdf/document.js';
import { drawLabels } from './src/modules/labels/render.js';
import { FORMATS } from './src/modules/labels/formats.js';
const items = Array.from({length:1000}, (_, i) => ({ assetTag: `OP-${String(i).padStart(6,'0')}`, url: `https://ordi.grandchambery.fr/d/OP-${String(i).padStart(6,'0')}`, kind: 'laptop', brand: 'HP', model: 'EliteBook 840 G5' }));
for (let k = 0; k < 5; k++) {
const doc2 = createPdf({ title: 'x', margin: 0, size: [mm(210), mm(297)] });
doc2.on('data', () => {});
const t = performance.now();
await drawLabels(doc2, FORMATS['avery-l7160'], items, {});
await new Promise((r) => { doc2.on('end', r); doc2.end(); });
console.log('drawLabels x1000', (performance.now() - t).toFixed(0));
}
