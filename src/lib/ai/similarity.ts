/**
 * The similarity floor. Below this cosine a thought is not about the text it is compared with:
 * related thoughts cut there, and in search a hit below it never outranks a word match (it is
 * shown only when nothing else is found; search-ranking.ts). Tuned on models/eval (models/EVAL.md), which
 * reads it from here.
 */
export const MIN_SIMILARITY = 0.3;
