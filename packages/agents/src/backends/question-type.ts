import { type EntityQuestion, parseEntityQuestion } from '@longvid/memory';

/**
 * What kind of answer a question asks for:
 * - `yes-no`: "Is there a dog?" → `yes` / `no`;
 * - `count`: "How many children are there?" → a number and how it was counted;
 * - `when`: "When does the dog appear?" → spans;
 * - `read`: "What does the notice say?" → the whole text seen (or heard), in reading order;
 * - `value`: "What is the gate code?" → the value only, in the form asked ({@link ValueForm});
 * - `colour`: "What colour is the mug?" → a colour;
 * - `choice`: multiple choice → one of the options;
 * - `describe`: "What happens in the video?", "What sport is being played?" → needs a scene describer.
 */
export type QuestionKind = 'yes-no' | 'count' | 'when' | 'read' | 'value' | 'colour' | 'choice' | 'describe';

/** The form a `value` answer takes: `number` keeps digits, `time` is `h:mm`, `name` keeps letters. */
export type ValueForm = 'number' | 'time' | 'name' | 'place' | 'text';

/** A question's type, from {@link classifyQuestion}: computed once per question and shared by every agent. */
export interface QuestionType {
  kind: QuestionKind;
  /** For `value` (and `choice` about a value): the form of the value. */
  valueForm?: ValueForm;
  /**
   * For `count`: `distinct` ("how many different people walk up": objects over the whole span,
   * tracks re-linked across gaps) or `at-once` ("how many people are in the room": most seen together).
   */
  counting?: 'distinct' | 'at-once';
  /** The object class the question is about, when it names one (see `parseEntityQuestion` of `@longvid/memory`). */
  entity?: EntityQuestion;
  /**
   * True when the question is about objects a detector reports: presence, count, when or colour
   * of a named class, or a choice between class names.
   */
  aboutObjects: boolean;
}

const YES_NO = /^\s*(?:is|are|was|were|does|do|did|can|could|has|have|had|will|would|should)\b/i;
const DESCRIBE =
  /\b(?:what|which)\s+(?:sport|game|activity|activities|animal|event|kind of|type of|genre|emotion|mood)\b|\bwhat\s+(?:happens|happened|is happening|is going on|goes on)\b|\bsummari[sz]e|\bsummary\b|\bdescribe\b|\bwhat\s+(?:is|are|was|were)\s+(?:the\s+)?(?:\w+\s+)?(?:doing|playing|wearing)\b|\bwhy\b|\bhow\s+(?:does|do|did)\b|\bwhat is (?:this|the) video about\b/i;
const READ = /\bwhat\s+(?:does|do|did)\s+(?:the\s+|a\s+|this\s+)?[\w\s-]*?\b(?:say|says|said|read|reads)\b|\bwhat\s+(?:is|was)\s+(?:written|displayed|shown)\b|\bwhat\s+(?:text|words?)\b|\bread\s+(?:the|out)\b|\bwhat\s+is\s+(?:the\s+)?\w*\s*(?:saying|said)\b/i;
const DISTINCT = /\b(?:different|distinct|unique|separate|in total|altogether|overall|walk|walks|come|comes|enter|enters|pass|passes|appear|appears|show up)\b/i;

/** The form of a value from the words that name it ("code", "number", "time", "name", "password"). */
export function valueForm(question: string): ValueForm {
  const q = question.toLowerCase();
  if (/\bwhat time\b|\bat what time\b|\bwhen\s+(?:does|do|did|will)\b.*\b(?:leave|leaves|depart|departs|arrive|arrives|start|starts|open|opens|close|closes|begin|begins)\b/.test(q)) return 'time';
  if (/\b(?:number|code|pin|digits?|count|amount|price|score|year|no)\b|\bhow many\b/.test(q)) return 'number';
  if (/\b(?:name|named|called|password|word|title)\b/.test(q)) return 'name';
  if (/^\s*where\b|\bin which place\b/.test(q)) return 'place';
  return 'text';
}

/**
 * Classifies a question once, from its wording and options (rules, no model): the type every
 * agent uses — the rule-based planner (which tool to look with), the rule-based reflector (what form
 * the answer takes) and, as a hint, the LLM prompts.
 * @param choices Multiple-choice options, if any.
 * @param labels Extra class names to recognise (e.g. the detector's labels stored in a memory).
 */
export function classifyQuestion(question: string, choices?: readonly string[], labels: readonly string[] = []): QuestionType {
  const entity = parseEntityQuestion(question, labels);
  if (choices && choices.length > 0) {
    // A choice between class names ("dog", "horse", ...) is a presence question for the detector.
    const classChoices = choices.every((choice) => {
      const parsed = parseEntityQuestion(choice, labels);
      return parsed !== undefined && parsed.phrase.split(' ').length >= choice.trim().split(/\s+/).length - 1;
    });
    return { kind: 'choice', valueForm: valueForm(question), aboutObjects: classChoices, ...(entity ? { entity } : {}) };
  }
  const q = question.trim();
  if (/\bhow many\b|\bhow much\b|\bnumber of\b|\bcount\b/i.test(q) && entity) {
    return { kind: 'count', counting: DISTINCT.test(q) ? 'distinct' : 'at-once', valueForm: 'number', entity, aboutObjects: true };
  }
  if (/\bcolou?r\b/i.test(q)) return { kind: 'colour', aboutObjects: entity !== undefined, ...(entity ? { entity } : {}) };
  if (READ.test(q)) return { kind: 'read', valueForm: 'text', aboutObjects: false };
  if (YES_NO.test(q) && !/\bor\b/i.test(q)) return { kind: 'yes-no', aboutObjects: entity !== undefined, ...(entity ? { entity } : {}) };
  if (DESCRIBE.test(q)) return { kind: 'describe', aboutObjects: false };
  const form = valueForm(q);
  if (/^\s*(?:when|at what point)\b/i.test(q) && form !== 'time') return { kind: 'when', aboutObjects: entity !== undefined, ...(entity ? { entity } : {}) };
  if (/\bhow many\b|\bhow much\b|\bnumber of\b/i.test(q)) return { kind: 'count', counting: DISTINCT.test(q) ? 'distinct' : 'at-once', valueForm: 'number', aboutObjects: false };
  return { kind: 'value', valueForm: form, aboutObjects: false };
}

/** One line for LLM prompts: the question's type and the form its answer should take. */
export function questionTypeHint(type: QuestionType): string {
  const form: Record<QuestionKind, string> = {
    'yes-no': 'answer "yes" or "no"; for "no", say which spans you examined',
    count: `answer a number and say how it was counted (${type.counting === 'distinct' ? 'distinct instances over the whole span' : 'the most seen at the same time'})`,
    when: 'answer with the spans (seconds) when it happens',
    read: 'answer with the whole text seen or heard, in reading order',
    value: `answer with the value only${type.valueForm && type.valueForm !== 'text' ? ` (a ${type.valueForm})` : ''}`,
    colour: 'answer with a colour',
    choice: 'answer with one of the options',
    describe: 'describe what is seen; say "unknown" if the evidence does not show it',
  };
  return `Question type: ${type.kind}${type.entity ? ` (about ${type.entity.labels.join('/')})` : ''}; ${form[type.kind]}.`;
}
