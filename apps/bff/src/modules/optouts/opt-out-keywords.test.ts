import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywordMatcher, normaliseKeyword } from './opt-out-keywords.ts';

const matcher = new KeywordMatcher();

/** What the default lists make of each text: one test each, named after the rule it proves. */
const DEFAULT_CASES: { name: string; expected: 'opt_out' | 'opt_in' | null; texts: (string | null)[] }[] = [
  {
    name: 'F.4: STOP, UNSUBSCRIBE and the usual English words opt out, whatever the case',
    expected: 'opt_out',
    texts: ['STOP', 'stop', 'Stop', 'sToP', 'UNSUBSCRIBE', 'unsubscribe', 'Cancel', 'end', 'QUIT', 'stopall', 'Stop promotions'],
  },
  {
    name: 'F.4: spacing, punctuation and emoji around or inside the keyword do not matter',
    expected: 'opt_out',
    texts: [
      ' stop ',
      '\tSTOP\n',
      'Stop!',
      'STOP.',
      '"stop"',
      '🛑 STOP',
      'stop 🙏',
      'Stop all',
      'STOP  ALL',
      'stop-all',
      'un subscribe',
      'Opt-out',
      'opt out',
    ],
  },
  {
    name: 'F.4: the usual equivalents in other languages opt out, with or without accents',
    expected: 'opt_out',
    texts: [
      'ARRÊT',
      'arret',
      'Arrêt',
      'désabonner',
      'BAJA',
      'baja',
      'Dar de baja',
      'PARAR',
      'alto',
      'DESISCRIVIMI',
      'ABMELDEN',
      'abmelden',
      'STOPP',
      'WYPISZ',
      'wypisz mnie',
      'rezygnuję',
      'rezygnuje',
      'Afmelden',
      'İPTAL',
      'iptal',
      'стоп',
      'Отписаться',
      'توقف',
    ],
  },
  {
    name: 'F.4: START and its equivalents opt back in',
    expected: 'opt_in',
    texts: ['START', 'start', ' Start! ', 'unstop', 'Subscribe', 'ALTA', 'zapisz'],
  },
  {
    name: 'an ordinary message that merely contains a keyword is not an opt-out',
    expected: null,
    texts: [
      "Please don't stop sending me offers",
      'stop by the shop tomorrow?',
      'Where is my order?',
      'STOP STOP',
      'stopwatch',
      'starting',
      'the end of the week works',
      '',
      '   ',
      '!!!',
      'stop '.repeat(20),
      null,
    ],
  },
];

describe('opt-out keyword matching', () => {
  for (const { name, expected, texts } of DEFAULT_CASES) {
    it(name, () => {
      for (const text of texts) expect(matcher.match(text), JSON.stringify(text)).toBe(expected);
    });
  }

  it('the lists are configuration: a custom list replaces the defaults', () => {
    const custom = new KeywordMatcher(['STOPPEN', 'Nie wysyłaj'], ['WEITER']);
    expect(custom.match('stoppen')).toBe('opt_out');
    expect(custom.match('NIE WYSYLAJ')).toBe('opt_out');
    expect(custom.match('nie   wysyłaj!')).toBe('opt_out');
    expect(custom.match('weiter')).toBe('opt_in');
    expect(custom.match('STOP')).toBeNull();
    expect(custom.match('START')).toBeNull();
  });

  it('normalises case, accents, punctuation and spaces', () => {
    expect(normaliseKeyword('  Arrêt !! ')).toBe('ARRET');
    expect(normaliseKeyword('ＳＴＯＰ')).toBe('STOP');
    expect(normaliseKeyword('stop\u00a0 all')).toBe('STOP ALL');
  });

  it('F.4: any keyword, padded with any whitespace and punctuation in any case, still opts out (property)', () => {
    const keyword = fc.constantFrom(...matcher.optOutKeywords);
    const pad = fc.array(fc.constantFrom(' ', '\t', '\n', '.', '!', '?', '"', '*', '🛑'), { maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(keyword, pad, pad, fc.boolean(), (k, before, after, lower) => {
        const text = `${before}${lower ? k.toLowerCase() : k}${after}`;
        return matcher.match(text) === 'opt_out';
      }),
    );
  });
});
