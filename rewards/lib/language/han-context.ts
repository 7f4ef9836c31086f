/**
 * Whose Han characters these are. Han with kana in its sentence is Japanese,
 * Han in a sentence with Hangul is Korean (hanja). A sentence of Han alone
 * is Chinese when it holds a character Japanese does not write (simplified
 * forms such as 们 这 说 计 and Chinese function characters such as 吗 呢),
 * else it takes its context: Japanese when the nearest sentence with Han,
 * kana or Hangul before or after it has kana ("証明終了。" closing a
 * Japanese proof), Korean when that neighbour has Hangul, else Chinese.
 */

/**
 * Characters of Chinese that Japanese does not write: simplified forms
 * whose Japanese form differs, traditional forms Japanese simplified
 * otherwise, and function characters. Characters Japanese shares (的 in
 * 数学的, 了 in 終了, 和 in 総和, 当, 会, 数) are left out.
 */
const CHINESE_ONLY = new Set(
  [
    '们这说个为对么吗呢吧啊呀嘛哪您你她它很也是给让那什怎还从进过应该时东问题书长开关见现发经结组线约级红绝统终边达运远选连递语认识计记设证试词误请读谁调论话详',
    '货负财质费资赛头买卖义乐习乡亚产亲价众优传伤儿兴养军农决况净击则刚创别动务劳势华单卫压厂历县变听员响图围圆场块坚处备复够实审宽导层岁币师带帮广库废',
    '异张弹归录总战执扩护报择换损无显术权极构标样树检欢毕气汉测济满热爱环电疗监盘码确离种积稳简类紧纪练细继续维编网罗职联胜脑节获虑补观规视觉订讨训议讲许',
    '访评译谈谢车转轮软轻较输钟钱铁银错键门间闻队阳际陆险随难须领频颜风飞马验鱼鸟齐龙两几于并',
    '們這說麼嗎讓對從應會來學數點當與邊實關價變總體圖氣廣歲萬條讀兩於說沒',
  ].join(''),
);

export function hasChineseOnly(text: string): boolean {
  for (const char of text) if (CHINESE_ONLY.has(char)) return true;
  return false;
}

export interface HanSentence {
  han: boolean;
  kana: boolean;
  hangul: boolean;
  chineseOnly: boolean;
}

/** The label of the Han words of each sentence ('' for a sentence without Han). */
export function hanLabels(sentences: readonly HanSentence[]): string[] {
  const labels = sentences.map((s) => (!s.han ? '' : s.kana ? 'ja' : s.hangul ? 'ko' : s.chineseOnly ? 'zh' : '?'));
  const hasCjk = (s: HanSentence) => s.han || s.kana || s.hangul;
  return labels.map((label, i) => {
    if (label !== '?') return label;
    const neighbours = [nearest(sentences, i, -1, hasCjk), nearest(sentences, i, 1, hasCjk)];
    if (neighbours.some((s) => s?.kana)) return 'ja';
    if (neighbours.some((s) => s?.hangul)) return 'ko';
    return 'zh';
  });
}

function nearest<T>(items: readonly T[], from: number, step: number, test: (item: T) => boolean): T | undefined {
  for (let i = from + step; i >= 0 && i < items.length; i += step) if (test(items[i])) return items[i];
  return undefined;
}
