import type { Language } from '../services/domain/facts';

/** The Teams locale decides the language: zh-CN (and other zh tags) → Chinese, anything else → English. */
export function languageOf(locale: string | undefined | null): Language {
  return typeof locale === 'string' && /^zh\b/i.test(locale.trim()) ? 'zh' : 'en';
}
