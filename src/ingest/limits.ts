/**
 * @module The limits ingest enforces, in one place (the README's "Limits" table mirrors it). Each
 * bounds work or memory on hostile input; exceeding one is an error that names it, never a silent
 * truncation.
 */
export const LIMITS = {
  /** Bytes of input across all files of one bundle. */
  maxInputBytes: 64 * 1024 * 1024,
  /** YAML documents in one input file or stream. */
  maxDocumentsPerSource: 250_000,
  /** Objects in one bundle, after flattening Lists (ignored kinds count too). */
  maxObjects: 250_000,
  /** Nested collections (mappings, lists) in one document: reading recurses once per level. */
  maxNestingDepth: 256,
  /** Entries in one mapping (YAML or JSON object): the duplicate-key check is quadratic in them. */
  maxMappingEntries: 5_000,
  /** YAML alias expansions per document (the `yaml` package's alias-bomb guard). */
  maxYamlAliasCount: 100,
  /** Rules in spec.ingress, and separately in spec.egress, of one policy. */
  maxRulesPerDirection: 1_000,
  /** Peers in one rule's from/to. */
  maxPeersPerRule: 1_000,
  /** Entries in one rule's ports. */
  maxPortsPerRule: 1_000,
  /** matchLabels entries plus matchExpressions in one label selector. */
  maxSelectorTerms: 256,
  /** Values of one matchExpressions entry. */
  maxValuesPerRequirement: 1_000,
  /** Entries of one ipBlock's except. */
  maxExceptsPerIPBlock: 1_000,
  /** Labels on one object. */
  maxLabelsPerObject: 1_000,
  /** Container ports of one pod (all containers together). */
  maxPortsPerPod: 1_000,
} as const;

export type LimitName = keyof typeof LIMITS;
