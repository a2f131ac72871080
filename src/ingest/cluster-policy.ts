/**
 * @module Cluster-wide policies of policy.networking.k8s.io, decoded and validated as their CRDs
 * do (docs/tiers-upstream.md has the upstream rules, with their sources), and made canonical:
 * v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy, and v1alpha2 ClusterNetworkPolicy,
 * all become one ClusterPolicy shape (v1alpha2's Accept is Allow).
 */
import type {
  ClusterAction,
  ClusterPeer,
  ClusterPolicy,
  ClusterPort,
  ClusterRule,
  ClusterSubject,
  ClusterTier,
  Protocol,
} from '../model/bundle.js';
import { PROTOCOLS } from '../model/bundle.js';
import { formatCIDR, isIPv4Mapped, parseCIDR, type CIDR } from '../net/ip.js';
import type { Field } from './field.js';
import { isValidPortName, isValidPortNumber } from '../model/k8s-names.js';
import { decodeSelector } from './labels.js';

export type ClusterKind = ClusterPolicy['kind'];

export const CLUSTER_API_VERSIONS: Readonly<Record<ClusterKind, string>> = {
  AdminNetworkPolicy: 'policy.networking.k8s.io/v1alpha1',
  BaselineAdminNetworkPolicy: 'policy.networking.k8s.io/v1alpha1',
  ClusterNetworkPolicy: 'policy.networking.k8s.io/v1alpha2',
};

/** v1alpha1 allows 100 rules, peers and ports each; v1alpha2 allows 25 (docs/tiers-upstream.md). */
const maxItems = (kind: ClusterKind): number => (kind === 'ClusterNetworkPolicy' ? 25 : 100);
const MAX_NETWORKS = 25;
const MAX_RULE_NAME = 100;
const MAX_PRIORITY = 1000;

type Direction = 'ingress' | 'egress';

/** Decodes the spec of a cluster-wide policy whose metadata was read; undefined when invalid. */
export function decodeClusterPolicy(object: Field, kind: ClusterKind, name: string): ClusterPolicy | undefined {
  object.rejectUnknownFields(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const spec = object.child('spec');
  if (spec.absent) {
    spec.required();
    return undefined;
  }
  const known = ['subject', 'ingress', 'egress'];
  if (kind !== 'BaselineAdminNetworkPolicy') known.push('priority');
  if (kind === 'ClusterNetworkPolicy') known.push('tier');
  spec.mapping()?.rejectUnknownFields(known);

  let tier: ClusterTier = kind === 'BaselineAdminNetworkPolicy' ? 'baseline' : 'admin';
  if (kind === 'BaselineAdminNetworkPolicy' && name !== 'default') {
    object.child('metadata').child('name').invalid('only one BaselineAdminNetworkPolicy is supported, named "default"', name);
  }
  if (kind === 'ClusterNetworkPolicy') {
    const tierField = spec.child('tier');
    const value = tierField.string();
    if (tierField.absent) tierField.required();
    else if (value !== 'Admin' && value !== 'Baseline') tierField.notSupported(['Admin', 'Baseline']);
    tier = value === 'Baseline' ? 'baseline' : 'admin';
  }
  let priority = 0;
  if (kind !== 'BaselineAdminNetworkPolicy') {
    const priorityField = spec.child('priority');
    const value = priorityField.int32();
    if (priorityField.absent) priorityField.required();
    else if (value !== undefined && (value < 0 || value > MAX_PRIORITY)) {
      priorityField.invalid(`must be between 0 and ${MAX_PRIORITY}, inclusive`);
    } else if (value !== undefined) priority = value;
  }
  const subject = decodeSubject(spec.child('subject'), kind);
  const actions = actionsOf(kind);
  const ingress = decodeRules(spec.child('ingress'), 'ingress', kind, actions);
  const egress = decodeRules(spec.child('egress'), 'egress', kind, actions);
  if (!subject || !ingress || !egress) return undefined;
  return { kind, name, tier, priority, subject, ingress, egress };
}

function actionsOf(kind: ClusterKind): readonly string[] {
  if (kind === 'BaselineAdminNetworkPolicy') return ['Allow', 'Deny'];
  if (kind === 'ClusterNetworkPolicy') return ['Accept', 'Deny', 'Pass'];
  return ['Allow', 'Deny', 'Pass'];
}

/** Exactly one of `namespaces` or `pods`. */
function decodeSubject(field: Field, kind: ClusterKind): ClusterSubject | undefined {
  if (field.absent) {
    field.required();
    return undefined;
  }
  if (!field.mapping()) return undefined;
  field.rejectUnknownFields(['namespaces', 'pods']);
  const namespaces = field.child('namespaces');
  const pods = field.child('pods');
  if (namespaces.absent === pods.absent) {
    field.invalid('exactly one of namespaces or pods must be set', '...');
    return undefined;
  }
  if (!namespaces.absent) return { kind: 'namespaces', namespaceSelector: decodeSelector(namespaces) };
  return decodeNamespacedPod(pods, kind);
}

/**
 * Pods matching podSelector in namespaces matching namespaceSelector. v1alpha1 requires both;
 * v1alpha2 makes namespaceSelector optional, read here as every namespace (an absent selector of a
 * cluster-scoped object; upstream does not say otherwise).
 */
function decodeNamespacedPod(field: Field, kind: ClusterKind): (ClusterPeer & { kind: 'pods' }) | undefined {
  if (!field.mapping()) return undefined;
  field.rejectUnknownFields(['namespaceSelector', 'podSelector']);
  const namespaceSelector = field.child('namespaceSelector');
  const podSelector = field.child('podSelector');
  const namespaceOptional = kind === 'ClusterNetworkPolicy';
  if (namespaceSelector.absent && !namespaceOptional) namespaceSelector.required();
  if (podSelector.absent) podSelector.required();
  if ((namespaceSelector.absent && !namespaceOptional) || podSelector.absent) return undefined;
  return { kind: 'pods', namespaceSelector: decodeSelector(namespaceSelector), podSelector: decodeSelector(podSelector) };
}

function decodeRules(field: Field, direction: Direction, kind: ClusterKind, actions: readonly string[]): ClusterRule[] | undefined {
  const items = field.list({ limit: maxItems(kind), what: `${direction} rules` });
  if (!items) return field.absent ? [] : undefined;
  const rules: ClusterRule[] = [];
  let valid = true;
  for (const item of items) {
    const rule = decodeRule(item, direction, kind, actions);
    if (rule) rules.push(rule);
    else valid = false;
  }
  return valid ? rules : undefined;
}

function decodeRule(field: Field, direction: Direction, kind: ClusterKind, actions: readonly string[]): ClusterRule | undefined {
  if (!field.mapping()) {
    if (field.absent) field.required('a rule');
    return undefined;
  }
  const peersName = direction === 'ingress' ? 'from' : 'to';
  const portsName = kind === 'ClusterNetworkPolicy' ? 'protocols' : 'ports';
  field.rejectUnknownFields(['name', 'action', peersName, portsName]);
  const nameField = field.child('name');
  const name = nameField.string() ?? '';
  if (name.length > MAX_RULE_NAME) nameField.invalid(`must be no more than ${MAX_RULE_NAME} characters`);

  const actionField = field.child('action');
  const actionText = actionField.string();
  let action: ClusterAction | undefined;
  if (actionField.absent) actionField.required();
  else if (actionText !== undefined && !actions.includes(actionText)) actionField.notSupported(actions);
  else if (actionText !== undefined) action = actionText === 'Accept' ? 'Allow' : (actionText as ClusterAction);

  const peersField = field.child(peersName);
  const peerItems = peersField.list({ limit: maxItems(kind), what: 'peers' });
  if (peersField.absent || peerItems?.length === 0) peersField.required('at least one peer');
  const peers: ClusterPeer[] = [];
  let unrecognisedPeers = 0;
  let valid = peerItems !== undefined && peerItems.length > 0;
  for (const item of peerItems ?? []) {
    const peer = decodePeer(item, direction, kind);
    if (peer === 'unrecognised') unrecognisedPeers++;
    else if (peer) peers.push(peer);
    else valid = false;
  }

  const portsField = field.child(portsName);
  const ports = portsField.absent ? null : decodePorts(portsField, kind);
  if (!portsField.absent && !ports) valid = false;
  if (!valid || action === undefined || ports === undefined) return undefined;
  return { name, action, peers, unrecognisedPeers, ports };
}

const INGRESS_PEERS = ['namespaces', 'pods'];
const EGRESS_PEERS = ['namespaces', 'pods', 'nodes', 'networks'];

/**
 * Exactly one peer kind of the direction. A peer that sets only fields this code does not
 * evaluate (a newer API's peer, or `domainNames`, which needs DNS answers a bundle does not have)
 * is kept as `unrecognised`, which semantics.md makes fail closed.
 */
function decodePeer(field: Field, direction: Direction, kind: ClusterKind): ClusterPeer | 'unrecognised' | undefined {
  if (!field.mapping()) {
    if (field.absent) field.required('must specify a peer');
    return undefined;
  }
  const allowed = direction === 'ingress' ? INGRESS_PEERS : EGRESS_PEERS;
  const set = field.keys().filter((key) => !field.child(key).absent);
  if (set.length === 0) {
    field.required('must specify a peer');
    return undefined;
  }
  // An egress-only kind in an ingress rule is a schema error, not an unknown peer.
  const misplaced = set.filter((key) => !allowed.includes(key) && EGRESS_PEERS.includes(key));
  if (set.length > 1 || misplaced.length > 0) {
    field.invalid(`exactly one of ${allowed.join(', ')} must be set`, set.join(','));
    return undefined;
  }
  const key = set[0]!;
  if (!allowed.includes(key)) return 'unrecognised';
  const value = field.child(key);
  switch (key) {
    case 'namespaces':
      return { kind: 'namespaces', namespaceSelector: decodeSelector(value) };
    case 'pods':
      return decodeNamespacedPod(value, kind);
    case 'nodes':
      return { kind: 'nodes', nodeSelector: decodeSelector(value) };
    default:
      return decodeNetworks(value);
  }
}

function decodeNetworks(field: Field): ClusterPeer | undefined {
  const items = field.list({ limit: MAX_NETWORKS, what: 'networks' });
  if (!items || items.length === 0) {
    field.required('at least one CIDR');
    return undefined;
  }
  const cidrs: CIDR[] = [];
  let valid = true;
  for (const item of items) {
    const text = item.string();
    const parsed = text === undefined ? undefined : parseCIDR(text);
    if (!parsed || (isIPv4Mapped({ family: parsed.cidr.family, value: parsed.cidr.base }) && parsed.cidr.prefix >= 96)) {
      if (text !== undefined) item.invalid('must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
      valid = false;
      continue;
    }
    if (parsed.hadHostBits) item.warn('normalized', `${JSON.stringify(text)} has host bits set; it is read as ${formatCIDR(parsed.cidr)}`);
    cidrs.push(parsed.cidr);
  }
  return valid ? { kind: 'networks', cidrs } : undefined;
}

function decodePorts(field: Field, kind: ClusterKind): ClusterPort[] | undefined {
  const items = field.list({ limit: maxItems(kind), what: 'ports' });
  if (!items) return undefined;
  if (items.length === 0) {
    field.required('at least one port, or no ports field');
    return undefined;
  }
  const ports: ClusterPort[] = [];
  let valid = true;
  // Every entry is checked, so that every problem is reported.
  for (const item of items) {
    const port = kind === 'ClusterNetworkPolicy' ? decodeProtocolPort(item) : decodeV1alpha1Port(item);
    if (port) ports.push(port);
    else valid = false;
  }
  return valid ? ports : undefined;
}

/** v1alpha1: exactly one of portNumber {protocol, port}, namedPort, portRange {protocol, start, end}. */
function decodeV1alpha1Port(field: Field): ClusterPort | undefined {
  if (!field.mapping()) return undefined;
  const forms = ['portNumber', 'namedPort', 'portRange'];
  field.rejectUnknownFields(forms);
  const set = forms.filter((f) => !field.child(f).absent);
  if (set.length !== 1) {
    field.invalid('exactly one of portNumber, namedPort or portRange must be set', set.join(','));
    return undefined;
  }
  const value = field.child(set[0]!);
  if (set[0] === 'namedPort') return decodeNamedPort(value);
  if (!value.mapping()) return undefined;
  const protocol = decodeProtocolField(value.child('protocol'));
  if (set[0] === 'portNumber') {
    value.rejectUnknownFields(['protocol', 'port']);
    const port = decodePortNumber(value.child('port'));
    return protocol && port !== undefined ? { kind: 'number', protocol, port } : undefined;
  }
  value.rejectUnknownFields(['protocol', 'start', 'end']);
  return decodeRange(value, protocol, false);
}

/**
 * v1alpha2: each entry names a protocol with an optional destination port, or a named port:
 * `{tcp: {destinationPort: {number} | {range: {start, end}}}}`, `udp`, `sctp`, or
 * `{destinationNamedPort: name}` (see docs/tiers-upstream.md).
 */
function decodeProtocolPort(field: Field): ClusterPort | undefined {
  if (!field.mapping()) return undefined;
  const forms = ['tcp', 'udp', 'sctp', 'destinationNamedPort'];
  field.rejectUnknownFields(forms);
  const set = forms.filter((f) => !field.child(f).absent);
  if (set.length !== 1) {
    field.invalid('exactly one of tcp, udp, sctp or destinationNamedPort must be set', set.join(','));
    return undefined;
  }
  if (set[0] === 'destinationNamedPort') return decodeNamedPort(field.child('destinationNamedPort'));
  const protocol = set[0]!.toUpperCase() as Protocol;
  const value = field.child(set[0]!);
  if (!value.mapping()) return undefined;
  value.rejectUnknownFields(['destinationPort']);
  // The v0.2.0 CRD rejects a bare protocol (`tcp: {}`): every port is the range 1-65535.
  const destination = value.child('destinationPort');
  if (destination.absent) {
    destination.required('a number or a range (1-65535 for every port)');
    return undefined;
  }
  if (!destination.mapping()) return undefined;
  destination.rejectUnknownFields(['number', 'range']);
  const number = destination.child('number');
  const range = destination.child('range');
  if (number.absent === range.absent) {
    destination.invalid('exactly one of number or range must be set', '...');
    return undefined;
  }
  if (!number.absent) {
    const port = decodePortNumber(number);
    return port === undefined ? undefined : { kind: 'number', protocol, port };
  }
  if (!range.mapping()) return undefined;
  range.rejectUnknownFields(['start', 'end']);
  return decodeRange(range, protocol, true);
}

function decodeNamedPort(field: Field): ClusterPort | undefined {
  const name = field.string();
  if (name === undefined) return undefined;
  const problems = isValidPortName(name);
  for (const problem of problems) field.invalid(problem);
  return problems.length === 0 ? { kind: 'named', name } : undefined;
}

/** Protocol defaults to TCP. */
function decodeProtocolField(field: Field): Protocol | undefined {
  if (field.absent) return 'TCP';
  const text = field.string();
  if (text === undefined) return undefined;
  if (!PROTOCOLS.includes(text as Protocol)) {
    field.notSupported(PROTOCOLS);
    return undefined;
  }
  return text as Protocol;
}

function decodePortNumber(field: Field): number | undefined {
  if (field.absent) {
    field.required();
    return undefined;
  }
  const value = field.int32();
  if (value === undefined) return undefined;
  const problems = isValidPortNumber(value);
  for (const problem of problems) field.invalid(problem);
  return problems.length === 0 ? value : undefined;
}

/**
 * An inclusive range. v1alpha2's CEL rule requires start < end ("Start port must be less than End
 * port"); v1alpha1 only says so in a comment, so a reversed range there is a warning and matches
 * nothing.
 */
function decodeRange(field: Field, protocol: Protocol | undefined, strict: boolean): ClusterPort | undefined {
  const start = decodePortNumber(field.child('start'));
  const end = decodePortNumber(field.child('end'));
  if (start === undefined || end === undefined || protocol === undefined) return undefined;
  if (strict && start >= end) {
    field.invalid('Start port must be less than End port', `${start}-${end}`);
    return undefined;
  }
  if (!strict && start > end) field.child('end').warn('suspicious', `end ${end} is below start ${start}: this range matches no port`);
  return { kind: 'range', protocol, from: start, to: end };
}
