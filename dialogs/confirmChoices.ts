/**
 * Choice and yes/no prompts in the bot's own languages only. botbuilder picks a prompt's culture
 * from the activity's locale among the cultures it is given defaults for, and its recognizers
 * then build that culture's number and yes/no expressions. Given only English and Chinese, any
 * other locale (fr-FR, de-DE, a fuzzed one) falls back to English, as the bot's answers do: the
 * buttons match the text, and no other culture's expressions are compiled (on Node 22, V8 made
 * about 40 MB of machine code from the French ones, past `npm start`'s heap cap).
 * The everyday Chinese answers are added to yes/no ("否", "好", "对"…): its recognizer lacks them.
 */
import { ChoicePrompt, ConfirmPrompt, PromptCultureModels } from 'botbuilder-dialogs';

/** The constructor parameters' types; botbuilder-dialogs does not export them by name. */
type ChoiceDefaultsConfirmPrompt = NonNullable<ConstructorParameters<typeof ConfirmPrompt>[3]>;
type ChoiceDefaultsChoicePrompt = NonNullable<ConstructorParameters<typeof ChoicePrompt>[3]>;

// Traditional too (zh-TW / zh-HK users): 對, 確認, 確定.
export const ZH_YES = ['是', '是的', '好', '好的', '对', '對', '可以', '确认', '確認', '确定', '確定', '行'];
export const ZH_NO = ['否', '不', '不是', '不用', '不要', '不了'];

/** The prompt cultures of the languages the bot speaks (English, Chinese). */
function botCultures() {
  return PromptCultureModels.getSupportedCultures().filter(
    (c) => c.locale.startsWith('en') || c.locale.startsWith('zh'),
  );
}

function listStyle(culture: ReturnType<typeof botCultures>[number]) {
  return {
    inlineSeparator: culture.separator,
    inlineOr: culture.inlineOr,
    inlineOrMore: culture.inlineOrMore,
    includeNumbers: true,
  };
}

export function confirmChoiceDefaults(): ChoiceDefaultsConfirmPrompt {
  const defaults: ChoiceDefaultsConfirmPrompt = {};
  for (const culture of botCultures()) {
    const chinese = culture.locale.startsWith('zh');
    defaults[culture.locale] = {
      choices: chinese
        ? [
            { value: culture.yesInLanguage, synonyms: ZH_YES },
            { value: culture.noInLanguage, synonyms: ZH_NO },
          ]
        : [culture.yesInLanguage, culture.noInLanguage],
      options: listStyle(culture),
    };
  }
  return defaults;
}

export function choicePromptDefaults(): ChoiceDefaultsChoicePrompt {
  return Object.fromEntries(botCultures().map((c) => [c.locale, listStyle(c)]));
}
