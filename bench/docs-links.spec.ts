import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).flatMap((f) => (f.endsWith('.md') ? [`docs/${f}`] : []))];

const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, '');

/**
 * The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, a
 * repeated heading suffixed -1, -2... (written here because no slugger is installed, and the rule is short).
 */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of withoutCode(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

describe('README and docs links', () => {
  it.each(PAGES)('every relative link in %s reaches a file, and a heading when it names one', (page) => {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    const broken: string[] = [];
    for (const [, link] of withoutCode(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(link)) continue;
      const [file, fragment] = link.split('#');
      const target = file ? path.join(ROOT, path.dirname(page), file) : path.join(ROOT, page);
      if (!fs.existsSync(target)) broken.push(`${link} (no such file)`);
      else if (fragment && target.endsWith('.md') && !anchors(fs.readFileSync(target, 'utf8')).has(fragment))
        broken.push(`${link} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });
});
