/**
 * English written in Cyrillic letters ("Вейт, лет ми чек зис эгейн") looks
 * like Russian to every n-gram identifier, so it is found by its words: the
 * commonest English words as they are spelled in Cyrillic, leaving out the
 * spellings that are Russian words too (из, он, лет, вот, чек, сам, нот).
 * A Cyrillic sentence where at least two of its words, and at least 40 % of
 * them, are such spellings is English: foreign to every target, and counted
 * in `details.transliterated`.
 */
const ENGLISH_IN_CYRILLIC = new Set(
  [
    'зе зэ дзе зис зыс дис зэт зат дэт зэтс энд бат бэт ор иф вен вэн зен зэн соу лэт ми вейт уэйт вэйт эгейн агейн ансвер ансер',
    'нау хау вай ви хи ши ит воз вер хэв хэв хэз кэн кен вил шуд вуд кэд донт дазнт дид ду дас синк финк намбер намберз намберс',
    'ту уан фри фоур файв сикс твелв фром оф ронг райт эдж луп лууп квесчен квесчн аскс смолест ларджест вэлью велью кэрфулли',
    'зер зэр вич ёр тайм ноу йес йэс гуд бэд нид олсо джаст виз виф ферст фёрст некст ласт стэп степ чейндж хир вэри вери мач мэни',
    'летс айм итс зеа зэа ансверз рилли экчуалли мэйби мейби вотс хоулд кэлкьюлейт калкулейт симпл соум самсинг эври',
  ]
    .join(' ')
    .split(' '),
);

const MIN_WORDS = 2;
const MIN_SHARE = 0.4;

/** The Cyrillic words of one sentence (lower case) are English spelled in Cyrillic. */
export function isEnglishInCyrillic(words: readonly string[]): boolean {
  let hits = 0;
  for (const word of words) if (ENGLISH_IN_CYRILLIC.has(word)) hits++;
  return hits >= MIN_WORDS && hits >= MIN_SHARE * words.length;
}
