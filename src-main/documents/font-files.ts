// Where the documents' typefaces come from (npm packages, read at run time by the
// render worker, never by the core):
//
// - the main face, Noto Serif SC (思源宋体) 400 and 700, OFL-1.1, from
//   @expo-google-fonts/noto-serif-sc (Google Fonts' static instances): every
//   character of GB 2312, GBK and the 通用规范汉字表 (its 196 characters outside the
//   BMP included), but only about 30,900 code points;
// - the fallback face for the rest, 花園明朝 (HanaMin, Hanazono Mincho, 2017-09-04,
//   OFL-1.1 or the Hanazono font licence), split by block into WOFF2 files by the
//   package hanamin: HanaMinB covers CJK Extensions B–F whole (about 60,300
//   characters) and HanaMinA the compatibility ideographs Noto lacks. A Mincho
//   (Song) design like the main face; it has one weight, used for bold text too.
export const FONT_PACKAGE = '@expo-google-fonts/noto-serif-sc';
export const FONT_FILES = {
  regular: `${FONT_PACKAGE}/400Regular/NotoSerifSC_400Regular.ttf`,
  bold: `${FONT_PACKAGE}/700Bold/NotoSerifSC_700Bold.ttf`,
} as const;

export const FALLBACK_PACKAGE = 'hanamin';

/** The hanamin files the documents draw from: Extensions B–F and the compatibility ideographs. */
export function isFallbackFile(name: string): boolean {
  return /^HanaMin(B\.CJK-Unified-Ideographs-Extension-[B-F][-\d]*|A\.CJK-Compatibility-Ideographs(-Supplement)?)\.woff2$/.test(
    name,
  );
}
