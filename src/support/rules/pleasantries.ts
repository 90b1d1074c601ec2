// Which top-level messages are bare pleasantries, not requests: "thanks :+1:", "Thank you so much for the
// quick reply :pray::skin-tone-2:", "hi team", "got it, have a great weekend :tada:", or emoji alone. Slack
// writes emoji in a message's text as :codes: (skin tones as a second code, `:+1::skin-tone-3:`); some come
// as Unicode characters. A message is a pleasantry when what is left once friendly emoji, emoticons,
// mentions and punctuation are set aside is made only of greetings, thanks, acknowledgements and goodbyes.
// A question mark, a link, an emoji of trouble (:cry:, :x:, :warning:, :-1:) or any other word makes it a
// request: "thanks, but it still fails", "help?", "can't log in :cry:".

/** Emoji that say something is wrong: with words, the message is not a pleasantry. */
const TROUBLE_CODES = new Set([
  "cry",
  "sob",
  "disappointed",
  "disappointed_relieved",
  "confused",
  "worried",
  "frowning",
  "frowning_face",
  "white_frowning_face",
  "slightly_frowning_face",
  "anguished",
  "pensive",
  "persevere",
  "confounded",
  "tired_face",
  "weary",
  "sweat",
  "cold_sweat",
  "fearful",
  "scream",
  "rage",
  "angry",
  "face_with_symbols_on_mouth",
  "unamused",
  "thinking_face",
  "face_with_raised_eyebrow",
  "exploding_head",
  "face_palm",
  "facepalm",
  "man-facepalming",
  "woman-facepalming",
  "x",
  "heavy_multiplication_x",
  "negative_squared_cross_mark",
  "no_entry",
  "no_entry_sign",
  "octagonal_sign",
  "warning",
  "rotating_light",
  "sos",
  "fire",
  "bug",
  "boom",
  "exclamation",
  "heavy_exclamation_mark",
  "grey_exclamation",
  "question",
  "grey_question",
  "interrobang",
  "bangbang",
  "-1",
  "thumbsdown",
  "broken_heart",
  "skull",
  "skull_and_crossbones",
  "red_circle",
  "hourglass",
  "hourglass_flowing_sand",
]);
const TROUBLE_PICTOGRAPHS = new RegExp(
  [..."😢😭😞😥😟🙁😕😫😩😓😰😨😱😡😠🤬😒🤔🤨🤯🤦❌✖❎⛔🚫🛑🚨🆘🔥🐛💥❗❕❓❔👎💔💀🔴⌛⏳", "☹", "⚠", "⁉", "‼", "☠"].join("|"),
  "u",
);
const TROUBLE_EMOTICON = /(?:^|\s)(?:[:;=]'?-?[(/\\|[]|D:)(?=\s|$)/;

/** Slack's emoji codes (`:tada:`, `:+1:`, `:skin-tone-3:`, a workspace's own `:thankyou:`). */
const EMOJI_CODE = /:([a-z0-9_+'-]+):/gi;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3/gu;
const EMOTICON = /(?:^|\s)(?:[:;=8x]'?-?[)\]dpb3*]+|\^_?\^|<3+|\(:)(?=\s|$)/gi;

const alt = (...parts: string[]) => `(?:${parts.join("|")})`;

const THANKS = alt(
  "(?:many|big|huge|massive|a (?:big|huge|million)) thanks",
  "thanks?",
  "thanx",
  "thnx",
  "thanku",
  "thankyou",
  "thank (?:you|u|ya|yall|y'all|you all|you guys)",
  "thx",
  "tnx",
  "tks",
  "ty",
  "tysm",
  "tyvm",
  "tyty",
);
const MUCH = alt(
  "(?:so|very|so very|ever so) much",
  "a lot",
  "a ton",
  "a bunch",
  "a million",
  "loads",
  "heaps",
  "tons",
  "again",
  "in advance",
  "anyway",
  "as always",
  "once again",
  "kindly",
);
const HELP_NOUN = alt(
  "help",
  "support",
  "reply",
  "response",
  "answer",
  "fix",
  "update",
  "updates",
  "info",
  "information",
  "explanation",
  "assistance",
  "patience",
  "time",
  "heads up",
  "turnaround",
  "clarification",
  "follow up",
  "feedback",
  "work",
  "effort",
  "efforts",
);
const FOR = alt(
  `for (?:(?:the|your|all the|all your|all of your|this|that) )?(?:(?:quick|fast|speedy|prompt|swift|great|amazing|awesome|super quick|kind|quick and helpful) )?${HELP_NOUN}`,
  "for (?:looking into|sorting|checking|fixing|clarifying|explaining|resolving|handling|getting back to me on) (?:it|this|that)(?: out| so quickly| quickly)?",
  "for (?:letting (?:me|us) know|getting back to (?:me|us)|the quick turnaround|everything|all)",
);
const THANKS_UNIT = `${THANKS}(?: ${MUCH})*(?: ${FOR})?(?: ${MUCH})?`;
const APPRECIATE = alt(
  "(?:(?:much|very much|greatly|really|truly|hugely|so) )?appreciated",
  "(?:(?:i|we) )?(?:(?:really|truly|very much|greatly|do|so) )?appreciate (?:it|that|this|the help|your help|you|you all|all the help|all your help)(?: (?:a lot|so much|very much))?",
);
const PRAISE = alt(
  "you(?:'re| are|re) (?:the best|a star|a legend|a hero|awesome|amazing|great|a lifesaver|a life saver|brilliant)",
  "you (?:rock|rule|guys rock)",
  "(?:that was|that's|thats) (?:quick|fast|great|helpful|perfect|awesome|amazing|brilliant)",
  "legend",
  "lifesaver",
  "life saver",
  "kudos",
  "(?:great|nice|good|awesome) (?:job|work|help|stuff|one)",
  "well done",
);
const GREET = alt(
  "hi",
  "hello",
  "hey",
  "heya",
  "hiya",
  "howdy",
  "yo",
  "greetings",
  "good (?:morning|afternoon|evening|day)",
  "morning",
  "gm",
);
const ACK = alt(
  "ok(?:ay|ey|ie)?",
  "k",
  "kk",
  "alright",
  "all right",
  "cool",
  "great",
  "perfect",
  "awesome",
  "nice",
  "excellent",
  "brilliant",
  "lovely",
  "wonderful",
  "amazing",
  "fantastic",
  "super",
  "sweet",
  "neat",
  "wow",
  "yay",
  "woohoo",
  "haha",
  "lol",
  "yes",
  "yep",
  "yup",
  "sure",
  "of course",
  "agreed",
  "got it",
  "gotcha",
  "sounds (?:good|great|perfect)",
  "will do",
  "noted",
  "understood",
  "(?:that )?makes sense",
  "fair enough",
  "np",
  "no (?:problem|prob|worries)",
  "all (?:good|set|sorted|clear)(?: now)?",
  "(?:we're|we are|i'm|im|i am) (?:good|all set|sorted)(?: now)?",
  "sorted",
  "resolved",
  "solved",
  "fixed",
  "done",
  "(?:that|this) (?:worked|works|did it|did the trick|fixed it|helps|helped|solved it|sorted it|is perfect|is great|is helpful)(?: (?:now|perfectly|great))?",
  "(?:it|everything) (?:works|worked|is working)(?: (?:now|again|perfectly|fine|great))*",
  "(?:it's|its) (?:working|fixed|sorted|all good)(?: (?:now|again))?",
  "works (?:now|again|perfectly|great)",
  "working (?:now|again)",
);
const CLOSE = alt(
  "bye",
  "goodbye",
  "see (?:you|ya)",
  "cya",
  "later",
  "take care",
  "cheers",
  "have a (?:(?:great|good|nice|lovely|wonderful) )?(?:day|weekend|evening|one|week|night)",
  "enjoy your (?:day|weekend|evening)",
);
/** Who a greeting or thanks is for. */
const ADDRESSEE = alt(
  "all",
  "team",
  "support",
  "support team",
  "the team",
  "everyone",
  "everybody",
  "folks",
  "guys",
  "yall",
  "y'all",
  "you all",
  "mate",
  "man",
  "buddy",
  "friend",
  "friends",
  "there",
  "both",
  "@",
);
/** Words after which a "name" is no name but the start of a request. */
const NOT_A_NAME = [
  "help",
  "urgent",
  "asap",
  "please",
  "pls",
  "plz",
  "question",
  "issue",
  "issues",
  "problem",
  "bug",
  "error",
  "errors",
  "down",
  "broken",
  "anyone",
  "anybody",
  "someone",
  "somebody",
  "but",
  "still",
  "not",
  "no",
  "why",
  "how",
  "what",
  "when",
  "where",
  "who",
  "which",
  "can",
  "could",
  "would",
  "will",
  "is",
  "are",
  "do",
  "does",
  "did",
  "has",
  "have",
  "had",
  "i",
  "we",
  "it",
  "its",
  "it's",
  "my",
  "our",
  "the",
  "this",
  "that",
  "failing",
  "fails",
  "failed",
  "fail",
  "wrong",
  "slow",
  "stuck",
  "blocked",
  "unable",
  "cannot",
  "can't",
  "cant",
  "won't",
  "doesn't",
  "didn't",
  "isn't",
  "wait",
  "actually",
  "also",
  "btw",
  "however",
  "unfortunately",
  "sadly",
  "again",
  "any",
  "update",
  "status",
  "outage",
  "login",
  "sso",
  "api",
];
const NAME = `(?!(?:${NOT_A_NAME.join("|")})(?: |$))\\p{L}[\\p{L}'-]{0,23}`;
const UNIT = alt(`${alt(THANKS_UNIT, GREET)}(?: ${ADDRESSEE})*(?: ${NAME})?(?: ${ADDRESSEE})*`, APPRECIATE, PRAISE, ACK, CLOSE);
const PLEASANTRY = new RegExp(`^${UNIT}(?: (?:and |& )?${UNIT}){0,7}$`, "u");

/** Longer messages are never bare pleasantries (and the match stays cheap). */
const MAX_LENGTH = 240;

/** Bare pleasantries and emoji-only messages: not requests. */
export function isPleasantry(text: string): boolean {
  if (text.length > MAX_LENGTH * 2) return false;
  // Slack's own markup: a mention is an addressee; a link, a channel or a broadcast is something to act on.
  let markup = false;
  let t = text
    .replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/g, " @ ")
    .replace(/<[^>]*>/g, () => {
      markup = true;
      return " ";
    })
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/[\u2018\u2019\u02bc]/g, "'");
  let trouble = false;
  t = t.replace(EMOJI_CODE, (_code, name: string) => {
    if (TROUBLE_CODES.has(name.toLowerCase())) trouble = true;
    return " ";
  });
  if (TROUBLE_PICTOGRAPHS.test(t) || TROUBLE_EMOTICON.test(t)) trouble = true;
  t = t.replace(PICTOGRAPH, " ").replace(EMOTICON, " ");
  if (markup) return false;
  if (!/[\p{L}\p{N}?@]/u.test(t)) return true; // emoji, emoticons or nothing at all
  if (trouble || t.includes("?")) return false;
  const words = t
    .toLowerCase()
    .replace(/[*_~`]/g, "")
    .replace(/[^\p{L}\p{N}'@&]+/gu, " ")
    .replace(/(^| )'+|'+( |$)/g, " ")
    .trim();
  if (words.length === 0 || words.length > MAX_LENGTH) return words.length === 0;
  return PLEASANTRY.test(words);
}
