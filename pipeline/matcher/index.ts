export { type AssignOptions, assignOneToOne } from './assign.js';
export { ruleNames } from './blocking.js';
export { type EmInput, type EmOutput, type GammaPattern, runEm } from './em.js';
export { explainPair, formatWaterfall, type Waterfall, type WaterfallStep } from './explain.js';
export { leftRowsRead, link } from './link.js';
export type {
  BlockingRule,
  Comparison,
  ComparisonLevel,
  ComparisonParams,
  DroppedBlock,
  EmSession,
  EmSessionReport,
  LevelParams,
  LinkModel,
  LinkResult,
  LinkSettings,
  MTrainingRule,
  TableRef,
  TermFrequency,
} from './settings.js';
