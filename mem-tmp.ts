import { createPdf, mm } from './src/pdf/document.js';
import { drawLabels } from './src/modules/labels/render.js';
import { FORMATS } from './src/modules/labels/formats.js';
const items = Array.from({length:1000}, (_, i) => ({ assetTag: `OP-${String(i).padStart(6,'0')}`, url: `https://ordi.grandchambery.fr/d/OP-${String(i).padStart(6,'0')}`, kind: 'laptop', brand: 'HP', model: 'EliteBook 840 G5' }));
const f = (n: number) => (n / 1048576).toFixed(0);
const show = (l: string) => { const m = process.memoryUsage(); console.log(l, 'rss', f(m.rss), 'heapTotal', f(m.heapTotal), 'heapUsed', f(m.heapUsed), 'external', f(m.external), 'ab', f(m.arrayBuffers)); };
show('before');
let peak = 0; const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 1);
for (let k = 0; k < 2; k++) {
const doc2 = createPdf({ title: 'x', margin: 0, size: [mm(210), mm(297)] });
doc2.on('data', () => {});
await drawLabels(doc2, FORMATS['avery-l7160'], items, {});
show('drawn');
await new Promise((r) => { doc2.on('end', r); doc2.end(); });
show('end');
}
clearInterval(iv); console.log('peak', f(peak));
