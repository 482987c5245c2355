import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * `npm run lint` runs this: no import cycle in `src/`, between files nor between the capability
 * folders of `src/modules/` (a module that needs another's data asks it; the other never asks
 * back). Type-only imports count too: they couple the modules all the same. Exits 1 and names
 * each cycle.
 */
const ROOT = path.resolve(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

const files = new Map<string, string[]>();
for (const file of sources(ROOT)) {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const local = importedFiles.map((i) => i.fileName).filter((name) => name.startsWith('.'));
  files.set(file, local.map((name) => path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts'))).filter((target) => target !== file));
}

/** `src/modules/devices/routes.ts` → `modules/devices`; other files stand for themselves. */
function folderOf(file: string): string {
  const relative = path.relative(ROOT, file).split(path.sep);
  return relative[0] === 'modules' ? `modules/${relative[1]}` : relative.join('/');
}
const folders = new Map<string, Set<string>>();
for (const [file, targets] of files) {
  const from = folderOf(file);
  const set = folders.get(from) ?? new Set<string>();
  for (const target of targets) if (folderOf(target) !== from) set.add(folderOf(target));
  folders.set(from, set);
}

/** Strongly connected components of two or more nodes (Tarjan). */
function cycles(graph: Map<string, Iterable<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

const fileCycles = cycles(files).map((c) => c.map((f) => path.relative(ROOT, f)));
const folderCycles = cycles(folders);
for (const c of fileCycles) console.error(`import cycle between files: ${c.join(' ↔ ')}`);
for (const c of folderCycles) console.error(`import cycle between modules: ${c.join(' ↔ ')}`);
if (fileCycles.length || folderCycles.length) process.exit(1);
console.log(`no import cycle (${files.size} files, ${folders.size} modules and top-level files)`);
