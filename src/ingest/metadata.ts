/** @module ObjectMeta: name, namespace, labels and owner references, validated as upstream does. */
import type { Labels } from '../model/bundle.js';
import type { Field } from './field.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../model/k8s-names.js';
import { decodeLabels } from './labels.js';

export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly uid?: string;
}

export interface Metadata {
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly labels: Labels;
  readonly uid: string | undefined;
  readonly ownerReferences: readonly OwnerReference[];
}

export interface MetadataRules {
  /** Namespaced kinds default to `defaultNamespace`; cluster-scoped kinds ignore metadata.namespace. */
  readonly namespaced: boolean;
  readonly defaultNamespace: string;
  /** Namespace names are DNS-1123 labels; every other kind here uses DNS-1123 subdomains. */
  readonly nameRule: 'dns1123-label' | 'dns1123-subdomain';
}

/** The fields of metav1.ObjectMeta. */
const OBJECT_META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

export function decodeMetadata(object: Field, rules: MetadataRules): Metadata {
  const field = object.child('metadata');
  if (field.absent) field.required();
  const meta = field.mapping();
  // Strict, as for every other field: a misspelt `lables` or `namespce` would silently change
  // which pods policies select.
  meta?.rejectUnknownFields(OBJECT_META_FIELDS);
  const nameField = field.child('name');
  const name = nameField.string();
  if (nameField.absent) {
    nameField.required(
      meta?.child('generateName').absent === false
        ? 'name or generateName is required; a bundle needs real names, generateName is not supported'
        : 'name is required',
    );
  } else if (name !== undefined) {
    const check = rules.nameRule === 'dns1123-label' ? isDNS1123Label : isDNS1123Subdomain;
    for (const problem of check(name)) nameField.invalid(problem);
  }

  let namespace: string | undefined;
  if (rules.namespaced) {
    const namespaceField = field.child('namespace');
    const given = namespaceField.string();
    if (given !== undefined && given !== '') {
      for (const problem of isDNS1123Label(given)) namespaceField.invalid(problem);
    }
    namespace = given === undefined || given === '' ? rules.defaultNamespace : given;
  }

  const uid = field.child('uid').string();
  const ownerReferences: OwnerReference[] = [];
  for (const ownerField of field.child('ownerReferences').list() ?? []) {
    const kind = ownerField.child('kind').string();
    const ownerName = ownerField.child('name').string();
    if (kind !== undefined && ownerName !== undefined) {
      ownerReferences.push({ kind, name: ownerName, uid: ownerField.child('uid').string() });
    }
  }
  return { name, namespace, labels: decodeLabels(field.child('labels')), uid, ownerReferences };
}
