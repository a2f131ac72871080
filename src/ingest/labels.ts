/**
 * @module Label maps and label selectors: decoded, validated as metav1validation.ValidateLabels and
 * ValidateLabelSelector do, and made canonical (prototype-free maps, sorted values).
 */
import type { Labels, Selector, SelectorOperator, SelectorRequirement } from '../model/bundle.js';
import type { Field } from './field.js';
import { isQualifiedName, isValidLabelValue } from '../model/k8s-names.js';
import { LIMITS } from './limits.js';
import { EMPTY_SELECTOR } from '../model/selector.js';

/** A `map[string]string` of labels; invalid entries are reported and left out. */
export function decodeLabels(field: Field): Labels {
  const labels: Record<string, string> = Object.create(null);
  const mapping = field.mapping();
  if (!mapping) return labels;
  const keys = mapping.keys();
  if (keys.length > LIMITS.maxLabelsPerObject) {
    field.report('error', 'limit', `${keys.length} labels; at most ${LIMITS.maxLabelsPerObject} are allowed`);
    return labels;
  }
  for (const key of keys) {
    const entry = mapping.child(key);
    for (const problem of isQualifiedName(key)) entry.invalid(problem, key);
    const value = entry.absent ? '' : entry.string();
    if (value === undefined) continue;
    for (const problem of isValidLabelValue(value)) entry.invalid(problem, value);
    labels[key] = value;
  }
  return labels;
}

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * A metav1.LabelSelector. Absent fields are empty, so an absent or `{}` selector matches everything;
 * whether "absent" is allowed at all is the caller's business.
 */
export function decodeSelector(field: Field): Selector {
  const mapping = field.mapping();
  if (!mapping) return EMPTY_SELECTOR;
  mapping.rejectUnknownFields(['matchLabels', 'matchExpressions']);
  const matchLabels = decodeLabels(mapping.child('matchLabels'));
  const expressionFields = mapping.child('matchExpressions').list() ?? [];
  const termCount = Object.keys(matchLabels).length + expressionFields.length;
  if (termCount > LIMITS.maxSelectorTerms) {
    field.report('error', 'limit', `${termCount} selector terms; at most ${LIMITS.maxSelectorTerms} are allowed`);
  }
  const matchExpressions: SelectorRequirement[] = [];
  for (const expressionField of expressionFields) {
    const requirement = decodeRequirement(expressionField);
    if (requirement) matchExpressions.push(requirement);
  }
  return { matchLabels, matchExpressions };
}

function decodeRequirement(field: Field): SelectorRequirement | undefined {
  const mapping = field.mapping();
  if (!mapping) {
    if (field.absent) field.required('a selector requirement');
    return undefined;
  }
  mapping.rejectUnknownFields(['key', 'operator', 'values']);
  const keyField = mapping.child('key');
  const key = keyField.string();
  if (keyField.absent) keyField.required();
  else if (key !== undefined) for (const problem of isQualifiedName(key)) keyField.invalid(problem);

  const operatorField = mapping.child('operator');
  const operator = operatorField.string();
  if (operatorField.absent) operatorField.required();
  else if (operator !== undefined && !OPERATORS.includes(operator as SelectorOperator)) {
    operatorField.notSupported(OPERATORS);
  }

  const valuesField = mapping.child('values');
  const valueFields = valuesField.list({ limit: LIMITS.maxValuesPerRequirement, what: 'values' }) ?? [];
  const values: string[] = [];
  for (const valueField of valueFields) {
    // Go decodes a null entry to "", a valid label value, as in decodeLabels.
    const value = valueField.absent ? '' : valueField.string();
    if (value === undefined) continue;
    for (const problem of isValidLabelValue(value)) valueField.invalid(problem);
    values.push(value);
  }
  if ((operator === 'In' || operator === 'NotIn') && valueFields.length === 0) {
    valuesField.required("must be specified when `operator` is 'In' or 'NotIn'");
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && valueFields.length > 0) {
    valuesField.forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  }
  if (key === undefined || !OPERATORS.includes(operator as SelectorOperator)) return undefined;
  return { key, operator: operator as SelectorOperator, values: [...new Set(values)].sort() };
}
