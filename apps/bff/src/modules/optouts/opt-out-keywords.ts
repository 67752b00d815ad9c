/**
 * Opt-out keywords (terms F.4). A customer opts out by sending one of these as the whole message, or by
 * tapping a quick-reply button whose text is one of them ("Stop", "Stop promotions"). Matching ignores
 * case, accents, punctuation, emoji and spacing, so "stop", " Stop! ", "ARRÊT", "arret", "Stop all" and
 * "STOPALL" all match. The whole message must be the keyword: "please don't stop" is not an opt-out.
 *
 * The lists are configuration (OPT_OUT_KEYWORDS / OPT_IN_KEYWORDS); these are the defaults: the US carriers'
 * standard words (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT), Meta's marketing opt-out button and their
 * usual equivalents in the languages our customers' customers write in.
 */
export const DEFAULT_OPT_OUT_KEYWORDS: string[] = [
  // English (CTIA), Meta's marketing opt-out quick reply
  'STOP',
  'STOP ALL',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPT OUT',
  'OPTOUT',
  'REVOKE',
  'STOP PROMOTIONS',
  // French
  'ARRÊT',
  'ARRÊTER',
  'STOPPER',
  'DÉSABONNER',
  'DÉSINSCRIRE',
  'DÉSINSCRIPTION',
  // Spanish / Portuguese
  'BAJA',
  'DAR DE BAJA',
  'PARAR',
  'ALTO',
  'DETENER',
  'CANCELAR',
  'SAIR',
  'DESCADASTRAR',
  // Italian
  'DESISCRIVIMI',
  'DISISCRIVIMI',
  'CANCELLAMI',
  'BASTA',
  // German, Dutch, Scandinavian
  'ABMELDEN',
  'STOPP',
  'ABBESTELLEN',
  'AFMELDEN',
  'UITSCHRIJVEN',
  'AVSLUTA',
  'AFMELD',
  // Polish, Czech, Turkish, Indonesian
  'WYPISZ',
  'WYPISZ MNIE',
  'REZYGNUJĘ',
  'ODHLÁSIT',
  'İPTAL',
  'BERHENTI',
  // Russian, Ukrainian, Arabic, Hindi
  'СТОП',
  'ОТПИСАТЬСЯ',
  'ВІДПИСАТИСЯ',
  'توقف',
  'إلغاء',
  'रोकें',
];

/** Opting back in: only undoes opt-outs the customer made (keyword, button), never an owner's entry. */
export const DEFAULT_OPT_IN_KEYWORDS: string[] = [
  'START',
  'UNSTOP',
  'SUBSCRIBE',
  'RESUME',
  'ALTA',
  'REPRENDRE',
  'ISCRIVIMI',
  'ANMELDEN',
  'AANMELDEN',
  'ZAPISZ',
  'СТАРТ',
];

/**
 * Upper case, accents and other combining marks removed, anything but letters, digits and spaces dropped,
 * spaces collapsed. `ARRÊT!` → `ARRET`, ` stop   all ` → `STOP ALL`, `🛑 Stop.` → `STOP`.
 */
/** Latin letters that carry their accent in the letter itself, so NFKD cannot strip it. */
const FOLD: Record<string, string> = {
  ł: 'l',
  Ł: 'L',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ı: 'i',
};

export function normaliseKeyword(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[łŁøØđĐßæÆœŒı]/g, (c) => FOLD[c] ?? c)
    .toUpperCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const squeeze = (normalised: string) => normalised.replace(/ /g, '');

export type KeywordAction = 'opt_out' | 'opt_in';

/** Decides what a customer's message means; built once from the configured lists. */
export class KeywordMatcher {
  private readonly optOut: Set<string>;
  private readonly optIn: Set<string>;

  constructor(
    readonly optOutKeywords: readonly string[] = DEFAULT_OPT_OUT_KEYWORDS,
    readonly optInKeywords: readonly string[] = DEFAULT_OPT_IN_KEYWORDS,
  ) {
    // Compared without spaces, so "STOP ALL" = "STOPALL" = "S TOP ALL" and "UN SUBSCRIBE" = "UNSUBSCRIBE".
    this.optOut = new Set(optOutKeywords.map((k) => squeeze(normaliseKeyword(k))).filter(Boolean));
    this.optIn = new Set(optInKeywords.map((k) => squeeze(normaliseKeyword(k))).filter(Boolean));
  }

  /** `opt_out`, `opt_in`, or null for an ordinary message. Opting out wins if a word were in both lists. */
  match(text: string | null | undefined): KeywordAction | null {
    if (!text) return null;
    // A keyword is a word or two: anything long is a conversation, not an instruction.
    if (text.length > 60) return null;
    const key = squeeze(normaliseKeyword(text));
    if (!key) return null;
    if (this.optOut.has(key)) return 'opt_out';
    if (this.optIn.has(key)) return 'opt_in';
    return null;
  }
}
