/**
 * @module Raw objects to the canonical bundle: dispatch by kind, validate each object, expand
 * workloads, imply missing namespaces, reject duplicates, and sort. Either a whole bundle comes out
 * or none does: any error means no bundle, never a silent partial one.
 */
import { CLUSTER_API_VERSIONS, decodeClusterPolicy, type ClusterKind } from './cluster-policy.js';
import { formatIP, isIPv4Mapped, parseIP } from '../net/ip.js';
import {
  DEFAULT_OPTIONS,
  NAMESPACE_NAME_LABEL,
  type Bundle,
  type BundleOptions,
  type ClusterPolicy,
  type Node,
  type Labels,
  type Namespace,
  type NetworkPolicy,
  type Pod,
  type WorkloadKind,
} from '../model/bundle.js';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { Field, ObjectContext } from './field.js';
import { lintBundle } from './lint.js';
import { LIMITS } from './limits.js';
import { decodeMetadata, type Metadata } from './metadata.js';
import { decodeNetworkPolicySpec } from './network-policy.js';
import { parseSource, type Origin, type RawObject, type Source } from './parse.js';
import { InvalidObjectSkipper, isNotAManifest, notAManifest } from './skipping.js';
import { decodePodSpec, decodePodStatus } from './pod.js';
import {
  decodeWorkloadTemplate,
  isRepresentedByOwner,
  isWorkloadKind,
  WORKLOAD_API_VERSIONS,
  podOwner,
  workloadsWithPods,
  type OwnedObject,
  type WorkloadTemplate,
} from './workloads.js';

export interface IngestOptions {
  /** Namespace for namespaced objects that name none, like `kubectl -n`. Default `default`. */
  readonly defaultNamespace?: string;
  /** Overrides a BundleOptions object in the input. */
  readonly options?: Partial<BundleOptions>;
  /**
   * Drops an object with errors, its errors becoming `skipped-invalid` warnings, instead of failing
   * the whole bundle (`--skip-invalid` of the analysis commands; never for publishing).
   */
  readonly skipInvalid?: boolean;
  /** The input byte limit, raised by a front end's explicit setting. Default LIMITS.maxInputBytes. */
  readonly maxInputBytes?: number;
  /** Reads JSON sources through the `yaml` parser too (the JSON fast path's differential tests). */
  readonly yamlOnly?: boolean;
}

export interface BundleCounts {
  readonly namespaces: number;
  readonly pods: number;
  readonly workloadPods: number;
  readonly policies: number;
  readonly ignored: number;
}

export interface IngestResult {
  /** Undefined when any diagnostic is an error. */
  readonly bundle: Bundle | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly counts: BundleCounts;
}

export const OPTIONS_API_VERSION = 'netpol-edge.dev/v1alpha1';
export const OPTIONS_KIND = 'BundleOptions';

/** Parses and ingests text sources (files, stdin, request bodies). */
export function ingestSources(sources: readonly Source[], options: IngestOptions = {}): IngestResult {
  const diagnostics: Diagnostic[] = [];
  const totalBytes = sources.reduce((sum, s) => sum + s.text.length, 0);
  const maxInputBytes = options.maxInputBytes ?? LIMITS.maxInputBytes;
  if (totalBytes > maxInputBytes) {
    diagnostics.push({
      severity: 'error',
      code: 'limit',
      message: `the input is ${totalBytes} bytes; at most ${maxInputBytes} are read`,
    });
    return { bundle: undefined, diagnostics, counts: emptyCounts() };
  }
  const objects: RawObject[] = [];
  for (const source of sources) {
    const parsed = parseSource(source, { yamlOnly: options.yamlOnly });
    if (source.scanned && isNotAManifest(parsed)) {
      diagnostics.push(notAManifest(source));
      continue;
    }
    objects.push(...parsed.objects);
    diagnostics.push(...parsed.diagnostics);
  }
  return ingest(objects, options, diagnostics);
}

interface PodDraft {
  readonly pod: Pod;
  readonly owned: OwnedObject;
}

interface WorkloadDraft {
  readonly kind: WorkloadKind;
  readonly meta: Metadata & { name: string; namespace: string };
  readonly template: WorkloadTemplate;
}

const SUPPORTED_API_VERSIONS: Readonly<Record<string, string>> = {
  Namespace: 'v1',
  Node: 'v1',
  Pod: 'v1',
  ...CLUSTER_API_VERSIONS,
  NetworkPolicy: 'networking.k8s.io/v1',
  [OPTIONS_KIND]: OPTIONS_API_VERSION,
  ...WORKLOAD_API_VERSIONS,
};

/**
 * Ingests already-parsed objects. `objects` may be RawObjects (with their source) or plain values
 * (generated bundles, JSON bodies), in which case diagnostics carry no file location.
 */
export function ingestObjects(
  objects: readonly (RawObject | unknown)[],
  options: IngestOptions = {},
): IngestResult {
  return ingest(objects, options, []);
}

/**
 * `diagnostics` starts with what parsing found: a document that did not parse must cost the bundle
 * too, or the policies in it would silently go missing.
 */
function ingest(
  objects: readonly (RawObject | unknown)[],
  options: IngestOptions,
  diagnostics: Diagnostic[],
): IngestResult {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  if (objects.length > LIMITS.maxObjects) {
    diagnostics.push({
      severity: 'error',
      code: 'limit',
      message: `${objects.length} objects; at most ${LIMITS.maxObjects} are allowed in one bundle`,
    });
    return { bundle: undefined, diagnostics, counts: emptyCounts() };
  }

  const namespaces = new Map<string, Namespace>();
  const pods: PodDraft[] = [];
  const workloads: WorkloadDraft[] = [];
  const policies: NetworkPolicy[] = [];
  const clusterPolicies: ClusterPolicy[] = [];
  const nodes: Node[] = [];
  const seen = new Map<string, ObjectContext>();
  const ignoredKinds = new Map<string, { count: number; first: Field }>();
  let bundleOptions: BundleOptions = DEFAULT_OPTIONS;
  let optionsSeen = false;

  const skipper = options.skipInvalid
    ? new InvalidObjectSkipper(diagnostics, [namespaces, pods, workloads, policies, clusterPolicies, nodes, seen])
    : undefined;
  for (const item of objects) {
    skipper?.next();
    const raw = isRawObject(item) ? item : { value: item, origin: undefined };
    const ctx = new ObjectContext(raw.origin, { kind: 'object' }, diagnostics);
    const root = new Field(ctx, raw.value, []);
    if (!root.mapping()) continue;
    const kind = root.child('kind').string();
    const apiVersion = root.child('apiVersion').string();
    if (kind === undefined || kind === '') {
      if (root.child('kind').absent) root.child('kind').required('every object needs apiVersion and kind');
      continue;
    }
    ctx.object = { kind };
    const expectedVersion = Object.hasOwn(SUPPORTED_API_VERSIONS, kind) ? SUPPORTED_API_VERSIONS[kind] : undefined;
    if (expectedVersion === undefined) {
      const tally = ignoredKinds.get(kind);
      if (tally) tally.count++;
      else ignoredKinds.set(kind, { count: 1, first: root.child('kind') });
      continue;
    }
    if (apiVersion !== expectedVersion) {
      const field = root.child('apiVersion');
      if (field.absent) field.required(`${kind} needs apiVersion ${expectedVersion}`);
      else field.notSupported([expectedVersion]);
      continue;
    }

    if (kind === OPTIONS_KIND) {
      if (optionsSeen) root.report('error', 'duplicate', `only one ${OPTIONS_KIND} object is allowed in a bundle`);
      optionsSeen = true;
      bundleOptions = decodeBundleOptions(root);
      continue;
    }

    const namespaced = !CLUSTER_SCOPED.has(kind);
    // Name the object in its own metadata errors, from the raw fields before they are validated.
    const rawName = root.child('metadata').child('name').value;
    const rawNamespace = root.child('metadata').child('namespace').value;
    ctx.object = {
      kind,
      namespace: namespaced ? (typeof rawNamespace === 'string' && rawNamespace !== '' ? rawNamespace : defaultNamespace) : undefined,
      name: typeof rawName === 'string' ? rawName : undefined,
    };
    const meta = decodeMetadata(root, {
      namespaced,
      defaultNamespace,
      nameRule: kind === 'Namespace' ? 'dns1123-label' : 'dns1123-subdomain',
    });
    ctx.object = { kind, namespace: meta.namespace, name: meta.name };
    if (meta.name === undefined) continue;
    const identity = `${kind}/${meta.namespace ?? ''}/${meta.name}`;
    const earlier = seen.get(identity);
    if (earlier) {
      const where = earlier.origin ? ` (first defined at ${earlier.origin.file}, document ${earlier.origin.document})` : '';
      root.report('error', 'duplicate', `this object is defined twice${where}`);
      continue;
    }
    seen.set(identity, ctx);
    const named = { ...meta, name: meta.name, namespace: meta.namespace ?? '' };

    if (kind === 'Namespace') {
      namespaces.set(named.name, decodeNamespace(root, named));
    } else if (kind === 'Pod') {
      pods.push(decodePod(root, named));
    } else if (kind === 'NetworkPolicy') {
      const policy = decodeNetworkPolicySpec(root, named.namespace, named.name);
      if (policy) policies.push(policy);
    } else if (kind === 'Node') {
      nodes.push(decodeNode(root, named));
    } else if (isClusterKind(kind)) {
      const policy = decodeClusterPolicy(root, kind, named.name);
      if (policy) clusterPolicies.push(policy);
    } else if (isWorkloadKind(kind)) {
      workloads.push({ kind, meta: named, template: decodeWorkloadTemplate(root, kind) });
    }
  }

  skipper?.next();

  for (const [kind, { count, first }] of ignoredKinds) {
    const what = count === 1 ? 'this object' : `${count} objects of this kind (the first is here)`;
    first.warn('ignored-kind', `${kind} does not affect network policy; ${what} ignored`);
  }

  const allPods = [...withOwners(pods, workloads), ...expandWorkloads(workloads, pods)];
  const finalOptions: BundleOptions = { ...bundleOptions, ...definedOnly(options.options) };
  implyNamespaces(namespaces, allPods, policies, workloads, diagnostics);
  warnAboutSharedIPs(pods, diagnostics);

  const bundle: Bundle = {
    namespaces: [...namespaces.values()].sort((a, b) => compare(a.name, b.name)),
    pods: allPods.sort((a, b) => compare(a.ref, b.ref)),
    policies: policies.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name)),
    clusterPolicies: sortClusterPolicies(clusterPolicies, diagnostics),
    nodes: nodes.sort((a, b) => compare(a.name, b.name)),
    options: finalOptions,
  };
  const counts: BundleCounts = {
    namespaces: bundle.namespaces.length,
    pods: pods.length,
    workloadPods: allPods.length - pods.length,
    policies: bundle.policies.length,
    ignored: [...ignoredKinds.values()].reduce((sum, t) => sum + t.count, 0),
  };
  if (hasErrors(diagnostics)) return { bundle: undefined, diagnostics, counts };
  diagnostics.push(...lintBundle(bundle));
  return { bundle, diagnostics, counts };
}

/** Only parseSource makes origins (with a locate function): a JSON body shaped alike is a plain value. */
/** Kinds without a namespace. */
const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);

function isClusterKind(kind: string): kind is ClusterKind {
  return Object.hasOwn(CLUSTER_API_VERSIONS, kind);
}

/**
 * Admin tier before baseline, each by ascending priority. Upstream leaves equal priorities
 * undefined: they are a warning here, and ties break by kind and name so answers are stable.
 */
function sortClusterPolicies(policies: ClusterPolicy[], diagnostics: Diagnostic[]): ClusterPolicy[] {
  const tierOrder = (p: ClusterPolicy): number => (p.tier === 'admin' ? 0 : 1);
  const sorted = policies.sort(
    (a, b) => tierOrder(a) - tierOrder(b) || a.priority - b.priority || compare(a.kind, b.kind) || compare(a.name, b.name),
  );
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (a.tier !== b.tier || a.priority !== b.priority) continue;
    diagnostics.push({
      severity: 'warning',
      code: 'suspicious',
      object: { kind: b.kind, name: b.name },
      path: 'spec.priority',
      message: `same priority (${b.priority}) as ${a.kind} ${a.name}: upstream leaves their order undefined; ${a.name} is evaluated first here (by name)`,
    });
  }
  return sorted;
}

/** A Node: its labels and its InternalIP/ExternalIP addresses, for `nodes` peers. */
function decodeNode(root: Field, meta: NamedMetadata): Node {
  const addresses: string[] = [];
  for (const entry of root.child('status').child('addresses').list() ?? []) {
    const type = entry.child('type').string();
    if (type !== 'InternalIP' && type !== 'ExternalIP') continue;
    const field = entry.child('address');
    const text = field.string();
    const ip = text === undefined ? undefined : parseIP(text);
    if (!ip || isIPv4Mapped(ip)) {
      field.invalid('must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
      continue;
    }
    if (!addresses.includes(formatIP(ip))) addresses.push(formatIP(ip));
  }
  return { name: meta.name, labels: meta.labels, addresses };
}

function isRawObject(item: unknown): item is RawObject {
  return (
    typeof item === 'object' &&
    item !== null &&
    'origin' in item &&
    'value' in item &&
    typeof (item.origin as Partial<Origin> | null)?.locate === 'function'
  );
}

function definedOnly<T extends object>(partial: Partial<T> | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

function decodeBundleOptions(root: Field): BundleOptions {
  root.rejectUnknownFields(['apiVersion', 'kind', 'metadata', 'spec']);
  const spec = root.child('spec');
  spec.mapping()?.rejectUnknownFields(['ipBlockMatchesPods']);
  return { ipBlockMatchesPods: spec.child('ipBlockMatchesPods').boolean() ?? DEFAULT_OPTIONS.ipBlockMatchesPods };
}

type NamedMetadata = Metadata & { name: string; namespace: string };

/** Upstream defaulting sets `kubernetes.io/metadata.name` to the name, whatever the manifest says. */
function decodeNamespace(root: Field, meta: NamedMetadata): Namespace {
  const given = meta.labels[NAMESPACE_NAME_LABEL];
  if (given !== undefined && given !== meta.name) {
    root
      .child('metadata')
      .child('labels')
      .child(NAMESPACE_NAME_LABEL)
      .warn('normalized', `label ${NAMESPACE_NAME_LABEL}=${given} is replaced by ${meta.name}, as the API server does`);
  }
  return { name: meta.name, labels: withNamespaceNameLabel(meta.labels, meta.name), implicit: false };
}

function withNamespaceNameLabel(labels: Labels, name: string): Labels {
  const out: Record<string, string> = Object.create(null);
  Object.assign(out, labels);
  out[NAMESPACE_NAME_LABEL] = name;
  return out;
}

function decodePod(root: Field, meta: NamedMetadata): PodDraft {
  const spec = decodePodSpec(root.child('spec'));
  const status = decodePodStatus(root.child('status'));
  // Succeeded and Failed pods keep their place in the bundle but no longer own their IPs.
  const pod: Pod = {
    ref: `${meta.namespace}/${meta.name}`,
    namespace: meta.namespace,
    name: meta.name,
    labels: meta.labels,
    ips: status.terminated ? [] : status.ips,
    hostIPs: status.hostIPs,
    hostNetwork: spec.hostNetwork,
    ports: spec.ports,
  };
  return { pod, owned: { kind: 'Pod', ...meta } };
}

/** Each pod with the workload that runs it, when its ownerReferences name one. */
function withOwners(pods: readonly PodDraft[], workloads: readonly WorkloadDraft[]): Pod[] {
  const byKey = new Map<string, OwnedObject>();
  for (const w of workloads) byKey.set(`${w.meta.namespace}/${w.kind}/${w.meta.name}`, { kind: w.kind, ...w.meta });
  return pods.map(({ pod, owned }) => {
    const owner = podOwner(owned, byKey);
    return owner ? { ...pod, owner } : pod;
  });
}

function expandWorkloads(workloads: readonly WorkloadDraft[], pods: readonly PodDraft[]): Pod[] {
  const byKey = new Map<string, OwnedObject>();
  for (const w of workloads) byKey.set(`${w.meta.namespace}/${w.kind}/${w.meta.name}`, { kind: w.kind, ...w.meta });
  const covered = workloadsWithPods(
    byKey,
    pods.map((p) => p.owned),
  );
  const expanded: Pod[] = [];
  for (const w of workloads) {
    const key = `${w.meta.namespace}/${w.kind}/${w.meta.name}`;
    if (covered.has(key) || isRepresentedByOwner(byKey.get(key)!, byKey)) continue;
    expanded.push({
      ref: `${w.meta.namespace}/${w.kind.toLowerCase()}/${w.meta.name}`,
      namespace: w.meta.namespace,
      name: w.meta.name,
      labels: w.template.labels,
      ips: [],
      hostIPs: [],
      hostNetwork: w.template.spec.hostNetwork,
      ports: w.template.spec.ports,
      workload: { kind: w.kind, name: w.meta.name },
    });
  }
  return expanded;
}

/** Every cluster has these; implying them is no surprise worth a warning. */
const BUILT_IN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** semantics.md: a pod (or policy) whose namespace has no Namespace object gets an implicit one. */
function implyNamespaces(
  namespaces: Map<string, Namespace>,
  pods: readonly Pod[],
  policies: readonly NetworkPolicy[],
  workloads: readonly WorkloadDraft[],
  diagnostics: Diagnostic[],
): void {
  const users = [
    ...pods.map((p) => ({ namespace: p.namespace, what: `Pod ${p.ref}` })),
    ...policies.map((p) => ({ namespace: p.namespace, what: `NetworkPolicy ${p.namespace}/${p.name}` })),
    ...workloads.map((w) => ({ namespace: w.meta.namespace, what: `${w.kind} ${w.meta.namespace}/${w.meta.name}` })),
  ];
  for (const { namespace, what } of users) {
    if (namespaces.has(namespace)) continue;
    namespaces.set(namespace, {
      name: namespace,
      labels: withNamespaceNameLabel(Object.create(null), namespace),
      implicit: true,
    });
    if (BUILT_IN_NAMESPACES.has(namespace)) continue;
    diagnostics.push({
      severity: 'warning',
      code: 'implicit-namespace',
      object: { kind: 'Namespace', name: namespace },
      message: `no Namespace object; ${what} implies one labelled only ${NAMESPACE_NAME_LABEL}=${namespace}`,
    });
  }
}

/** Two running non-hostNetwork pods with one IP make that IP ambiguous as a flow endpoint. */
function warnAboutSharedIPs(pods: readonly PodDraft[], diagnostics: Diagnostic[]): void {
  const owners = new Map<string, string[]>();
  for (const { pod } of pods) {
    if (pod.hostNetwork) continue;
    for (const ip of pod.ips) owners.set(ip, [...(owners.get(ip) ?? []), pod.ref]);
  }
  for (const [ip, refs] of owners) {
    if (refs.length < 2) continue;
    diagnostics.push({
      severity: 'warning',
      code: 'suspicious',
      object: { kind: 'Pod', namespace: refs[0]!.split('/')[0], name: refs[0]!.split('/')[1] },
      message: `IP ${ip} is claimed by ${refs.length} pods (${refs.join(', ')}); flows by that IP are refused as ambiguous`,
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyCounts(): BundleCounts {
  return { namespaces: 0, pods: 0, workloadPods: 0, policies: 0, ignored: 0 };
}
