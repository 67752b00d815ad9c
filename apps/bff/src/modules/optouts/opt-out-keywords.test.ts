import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywordMatcher, normaliseKeyword } from './opt-out-keywords.ts';

const matcher = new KeywordMatcher();

describe('opt-out keyword matching', () => {
  it('F.4: STOP, UNSUBSCRIBE and the usual English words opt out, whatever the case', () => {
    for (const text of [
      'STOP',
      'stop',
      'Stop',
      'sToP',
      'UNSUBSCRIBE',
      'unsubscribe',
      'Cancel',
      'end',
      'QUIT',
      'stopall',
      'Stop promotions',
    ]) {
      expect(matcher.match(text), text).toBe('opt_out');
    }
  });

  it('F.4: spacing, punctuation and emoji around or inside the keyword do not matter', () => {
    for (const text of [
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
    ]) {
      expect(matcher.match(text), JSON.stringify(text)).toBe('opt_out');
    }
  });

  it('F.4: the usual equivalents in other languages opt out, with or without accents', () => {
    const words = [
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
    ];
    for (const text of words) expect(matcher.match(text), text).toBe('opt_out');
  });

  it('F.4: START and its equivalents opt back in', () => {
    for (const text of ['START', 'start', ' Start! ', 'unstop', 'Subscribe', 'ALTA', 'zapisz'])
      expect(matcher.match(text), text).toBe('opt_in');
  });

  it('an ordinary message that merely contains a keyword is not an opt-out', () => {
    for (const text of [
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
    ]) {
      expect(matcher.match(text), JSON.stringify(text)).toBeNull();
    }
    expect(matcher.match(null)).toBeNull();
  });

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
