/**
 * The bot's own Simplified → Traditional converter (cards/chineseScript.ts) against opencc-js's
 * Converter, whose dictionaries it reuses in smaller structures: same output on every Chinese
 * literal in the bot's sources (wordings, card templates, the corpus), in about a quarter of the heap.
 */
import { expect } from 'chai';
import { Converter } from 'opencc-js';
import { SimplifiedToTraditional } from '../cards/chineseScript';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PROJECT_ROOT } from '../services/config';

const CJK = /[\u3400-\u9fff]/;

/** Every quoted Chinese literal in the bot's wording sources (cards, dialogs, card templates). */
function chineseLiterals(): Set<string> {
  const out = new Set<string>();
  for (const folder of ['cards', 'cards/templates', 'dialogs', 'dialogs/understanding', 'services/domain']) {
    for (const file of fs.readdirSync(path.join(PROJECT_ROOT, folder))) {
      if (!/\.(ts|json)$/.test(file)) continue;
      const source = fs.readFileSync(path.join(PROJECT_ROOT, folder, file), 'utf8');
      for (const m of source.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`/g)) {
        const literal = m[1] ?? m[2] ?? m[3];
        if (CJK.test(literal)) out.add(literal);
      }
    }
  }
  return out;
}

describe('Simplified → Traditional conversion (cards/chineseScript.ts)', function () {
  this.timeout(30_000);
  const script = new SimplifiedToTraditional();
  const texts = chineseLiterals();
  const tricky = [
    '皇后的头发很长，干杯！这里面有面条',
    '5 天后到期',
    '软件发展后面',
    '𠮷野家的云支持',
    '剩余的支持事件：3 个',
  ];
  for (const t of tricky) texts.add(t);

  it('gives exactly what opencc-js gives, for Taiwan and for Hong Kong', () => {
    expect(texts.size, 'Chinese texts compared').to.be.above(500);
    const reference = { tw: Converter({ from: 'cn', to: 'twp' }), hk: Converter({ from: 'cn', to: 'hk' }) };
    for (const variant of ['tw', 'hk'] as const) {
      const differing = [...texts].filter((t) => script.convert(t, variant) !== reference[variant](t));
      expect(differing, variant).to.deep.equal([]);
    }
    expect(script.convert('软件发展后面头发', 'tw')).to.equal('軟體發展後面頭髮');
    expect(script.convert('软件', 'hk')).to.equal('軟件');
  });

  it('takes far less heap than opencc-js converters (both variants: about 8 MB against 83 MB)', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heap = () => (gc(), process.memoryUsage().heapUsed);
    const a = heap();
    const ours = new SimplifiedToTraditional();
    ours.convert('软件', 'tw');
    const b = heap();
    const theirs = [Converter({ from: 'cn', to: 'twp' }), Converter({ from: 'cn', to: 'hk' })];
    const c = heap();
    expect(theirs.map((t) => t('软件'))).to.deep.equal(['軟體', '軟件']);
    expect(b - a, 'ours, bytes').to.be.below(16e6);
    expect(b - a, 'ours, bytes').to.be.below((c - b) / 4);
  });
});
