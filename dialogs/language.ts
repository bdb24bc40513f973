import type { Language } from '../services/domain/facts';

/** The Teams locale decides the language: zh-CN (and other zh tags) → Chinese, anything else → English. */
export function languageOf(locale: string | undefined | null): Language {
  return typeof locale === 'string' && /^zh\b/i.test(locale.trim()) ? 'zh' : 'en';
}

/** Traditional Chinese as read in Taiwan, or in Hong Kong (and Macau). */
export type ChineseVariant = 'tw' | 'hk';

/**
 * Traditional Chinese locales and the variant they read: zh-TW, zh-Hant(-*) → Taiwan; zh-HK,
 * zh-MO, zh-Hant-HK → Hong Kong. Null for Simplified (zh-CN, zh-SG, zh-Hans) and other languages.
 */
export function chineseVariantOf(locale: string | undefined | null): ChineseVariant | null {
  if (typeof locale !== 'string' || languageOf(locale) !== 'zh') return null;
  const tag = locale.trim().toLowerCase().replace(/_/g, '-');
  if (/-(hk|mo)\b/.test(tag)) return 'hk';
  if (/-(tw|hant)\b/.test(tag)) return 'tw';
  return null;
}
