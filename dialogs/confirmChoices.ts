/**
 * Yes/no prompts: botbuilder's defaults per culture, with the everyday Chinese answers added
 * ("否", "好", "对"…), which its recognizer does not know.
 */
import { ConfirmPrompt, PromptCultureModels } from 'botbuilder-dialogs';

/** The constructor parameter's type; botbuilder-dialogs does not export it by name. */
type ChoiceDefaultsConfirmPrompt = NonNullable<ConstructorParameters<typeof ConfirmPrompt>[3]>;

// Traditional too (zh-TW / zh-HK users): 對, 確認, 確定.
export const ZH_YES = ['是', '是的', '好', '好的', '对', '對', '可以', '确认', '確認', '确定', '確定', '行'];
export const ZH_NO = ['否', '不', '不是', '不用', '不要', '不了'];

export function confirmChoiceDefaults(): ChoiceDefaultsConfirmPrompt {
  const defaults: ChoiceDefaultsConfirmPrompt = {};
  for (const culture of PromptCultureModels.getSupportedCultures()) {
    const chinese = culture.locale.startsWith('zh');
    defaults[culture.locale] = {
      choices: chinese
        ? [
            { value: culture.yesInLanguage, synonyms: ZH_YES },
            { value: culture.noInLanguage, synonyms: ZH_NO },
          ]
        : [culture.yesInLanguage, culture.noInLanguage],
      options: {
        inlineSeparator: culture.separator,
        inlineOr: culture.inlineOr,
        inlineOrMore: culture.inlineOrMore,
        includeNumbers: true,
      },
    };
  }
  return defaults;
}
