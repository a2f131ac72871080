/**
 * @module networking.k8s.io/v1 NetworkPolicy: decoded, validated as the API server does
 * (pkg/apis/networking/validation/validation.go, ValidateNetworkPolicySpec and its helpers),
 * defaulted as pkg/apis/networking/v1/defaults.go does, and made canonical.
 */
import type { NetworkPolicy, Peer, PortMatch, Protocol, Rule } from '../model/bundle.js';
import { PROTOCOLS } from '../model/bundle.js';
import { cidrStrictlyInside, formatCIDR, isIPv4Mapped, parseCIDR, type CIDR } from '../net/ip.js';
import type { Field } from './field.js';
import { isValidPortName, isValidPortNumber } from '../model/k8s-names.js';
import { decodeSelector } from './labels.js';
import { EMPTY_SELECTOR } from '../model/selector.js';
import { LIMITS } from './limits.js';

type RuleDirection = 'ingress' | 'egress';
const PEERS_FIELD: Record<RuleDirection, string> = { ingress: 'from', egress: 'to' };

/** Decodes `spec` of a NetworkPolicy whose metadata was already read; undefined when invalid. */
export function decodeNetworkPolicySpec(
  object: Field,
  namespace: string,
  name: string,
): NetworkPolicy | undefined {
  object.rejectUnknownFields(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  // No spec is valid upstream (ValidateNetworkPolicySpec has no "required"): a deny-all-ingress.
  const spec = object.child('spec');
  spec.mapping()?.rejectUnknownFields(['podSelector', 'policyTypes', 'ingress', 'egress']);

  // podSelector is optional since Kubernetes 1.31 (types.go): absent selects every pod, as `{}` does.
  const podSelector = decodeSelector(spec.child('podSelector'));
  const ingress = decodeRules(spec.child('ingress'), 'ingress');
  const egress = decodeRules(spec.child('egress'), 'egress');
  const types = decodePolicyTypes(spec.child('policyTypes'));

  // SetDefaults_NetworkPolicy: no policyTypes means Ingress, plus Egress when there are egress rules.
  const affectsIngress = types ? types.has('Ingress') : true;
  const affectsEgress = types ? types.has('Egress') : egress.length > 0;
  warnAboutIgnoredRules(spec, 'ingress', ingress.length, affectsIngress, affectsEgress, egress.length);
  warnAboutIgnoredRules(spec, 'egress', egress.length, affectsEgress, affectsIngress, ingress.length);

  return { namespace, name, podSelector, affectsIngress, affectsEgress, ingress, egress };
}

/** Undefined when policyTypes is absent or empty (defaulting applies). */
function decodePolicyTypes(field: Field): Set<string> | undefined {
  const items = field.list();
  if (!items || items.length === 0) return undefined;
  if (items.length > 2) {
    field.invalid('may not specify more than two policyTypes', items.map((i) => i.value).join(','));
    return new Set();
  }
  const types = new Set<string>();
  for (const item of items) {
    // Go decodes a null entry to "", which is no policy type.
    const type = item.absent ? '' : item.string();
    if (type === undefined) continue;
    if (type !== 'Ingress' && type !== 'Egress') item.notSupported(['Ingress', 'Egress'], type);
    else types.add(type);
  }
  return types;
}

/**
 * The article's example 4 ("Allow all Egress", printed with `ingress: [{}]` and `policyTypes: [Egress]`)
 * is the classic case: its rules are ignored and it denies all egress.
 */
function warnAboutIgnoredRules(
  spec: Field,
  direction: RuleDirection,
  ruleCount: number,
  affected: boolean,
  otherAffected: boolean,
  otherRuleCount: number,
): void {
  if (ruleCount === 0 || affected) return;
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const other = direction === 'ingress' ? 'egress' : 'ingress';
  let message =
    `${ruleCount} ${direction} rule${ruleCount === 1 ? '' : 's'} but policyTypes does not list ` +
    `${type}, so ${ruleCount === 1 ? 'it is' : 'they are'} ignored`;
  if (otherAffected && otherRuleCount === 0) message += `; the policy denies all ${other}`;
  spec.child(direction).warn('suspicious', `${message}. Did you mean policyTypes: [${type}]?`);
}

function decodeRules(field: Field, direction: RuleDirection): Rule[] {
  const items = field.list({ limit: LIMITS.maxRulesPerDirection, what: `${direction} rules` }) ?? [];
  const rules: Rule[] = [];
  for (const item of items) {
    // A null rule (`- ` with nothing) decodes to an empty rule, as Go's JSON decoder does.
    const mapping = item.absent ? undefined : item.mapping();
    if (!item.absent && !mapping) continue;
    const peersName = PEERS_FIELD[direction];
    mapping?.rejectUnknownFields([peersName, 'ports']);
    const peerFields =
      item.child(peersName).list({ limit: LIMITS.maxPeersPerRule, what: 'peers' }) ?? [];
    const portFields = item.child('ports').list({ limit: LIMITS.maxPortsPerRule, what: 'ports' }) ?? [];
    const peers = peerFields.map(decodePeer);
    const ports = portFields.map(decodePort);
    rules.push({
      peers: peers.length === 0 ? null : peers.filter((p): p is Peer => p !== undefined),
      ports: ports.length === 0 ? null : ports.filter((p): p is PortMatch => p !== undefined),
    });
  }
  return rules;
}

function decodePeer(field: Field): Peer | undefined {
  const mapping = field.mapping();
  if (!mapping) {
    if (field.absent) field.required('must specify a peer');
    return undefined;
  }
  mapping.rejectUnknownFields(['podSelector', 'namespaceSelector', 'ipBlock']);
  const podSelectorField = field.child('podSelector');
  const namespaceSelectorField = field.child('namespaceSelector');
  const ipBlockField = field.child('ipBlock');
  const present = [podSelectorField, namespaceSelectorField, ipBlockField].filter((f) => !f.absent).length;
  if (present === 0) {
    field.required('must specify a peer');
    return undefined;
  }
  // As upstream, every field is validated before ipBlock and a selector together are forbidden.
  const podSelector = podSelectorField.absent ? EMPTY_SELECTOR : decodeSelector(podSelectorField);
  const namespaceSelector = namespaceSelectorField.absent ? null : decodeSelector(namespaceSelectorField);
  if (ipBlockField.absent) return { kind: 'pods', namespaceSelector, podSelector };
  const ipBlock = decodeIPBlock(ipBlockField);
  if (present > 1) {
    field.forbidden('may not specify both ipBlock and another peer');
    return undefined;
  }
  return ipBlock;
}

function decodeIPBlock(field: Field): Peer | undefined {
  const mapping = field.mapping();
  if (!mapping) return undefined;
  mapping.rejectUnknownFields(['cidr', 'except']);
  const cidrField = field.child('cidr');
  const cidrText = cidrField.string();
  if (cidrField.absent || cidrText === '') {
    cidrField.required();
    return undefined;
  }
  if (cidrText === undefined) return undefined;
  const cidr = readCIDR(cidrField, cidrText);
  const exceptFields = field.child('except').list({ limit: LIMITS.maxExceptsPerIPBlock, what: 'except entries' }) ?? [];
  const except: CIDR[] = [];
  for (const exceptField of exceptFields) {
    // Go decodes a null entry to "", which is no CIDR.
    const text = exceptField.absent ? '' : exceptField.string();
    if (text === undefined) continue;
    const exceptCIDR = readCIDR(exceptField, text);
    if (!exceptCIDR || !cidr) continue;
    if (!cidrStrictlyInside(exceptCIDR, cidr)) exceptField.invalid('must be a strict subset of `cidr`');
    else except.push(exceptCIDR);
  }
  if (!cidr) return undefined;
  return { kind: 'ipBlock', cidr, except };
}

/** A CIDR with host bits set is accepted, masked, with a warning (semantics.md). */
function readCIDR(field: Field, text: string): CIDR | undefined {
  const parsed = parseCIDR(text);
  if (!parsed) {
    field.invalid('must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', text);
    return undefined;
  }
  if (isIPv4Mapped({ family: parsed.cidr.family, value: parsed.cidr.base }) && parsed.cidr.prefix >= 96) {
    field.invalid('must not be an IPv4-mapped IPv6 range; use the IPv4 form', text);
    return undefined;
  }
  if (parsed.hadHostBits) {
    field.warn('normalized', `${JSON.stringify(text)} has host bits set; it is read as ${formatCIDR(parsed.cidr)}`);
  }
  return parsed.cidr;
}

function decodePort(field: Field): PortMatch | undefined {
  const mapping = field.mapping();
  if (!mapping) {
    // A null entry decodes to an empty NetworkPolicyPort: TCP, every port.
    return field.absent ? { kind: 'all', protocol: 'TCP' } : undefined;
  }
  mapping.rejectUnknownFields(['protocol', 'port', 'endPort']);
  let valid = true;
  const protocolField = field.child('protocol');
  const protocolText = protocolField.string();
  if (!protocolField.absent && protocolText === undefined) valid = false;
  // SetDefaults_NetworkPolicyPort: protocol defaults to TCP.
  const protocol = (protocolText ?? 'TCP') as Protocol;
  if (!PROTOCOLS.includes(protocol)) {
    protocolField.notSupported(PROTOCOLS);
    valid = false;
  }

  const portField = field.child('port');
  const endPortField = field.child('endPort');
  const endPort = endPortField.int32();
  if (!endPortField.absent && endPort === undefined) valid = false;

  if (portField.absent) {
    if (endPort !== undefined) {
      endPortField.invalid('may not be specified when `port` is not specified');
      return undefined;
    }
    return valid ? { kind: 'all', protocol } : undefined;
  }
  const port = portField.value;
  if (typeof port === 'number') {
    const number = portField.int32();
    if (number === undefined) return undefined;
    for (const problem of isValidPortNumber(number)) {
      portField.invalid(problem);
      valid = false;
    }
    if (endPort !== undefined) {
      if (endPort < number) {
        endPortField.invalid('must be greater than or equal to `port`');
        valid = false;
      }
      for (const problem of isValidPortNumber(endPort)) {
        endPortField.invalid(problem);
        valid = false;
      }
    }
    return valid ? { kind: 'range', protocol, from: number, to: endPort ?? number } : undefined;
  }
  if (typeof port === 'string') {
    if (endPort !== undefined) {
      endPortField.invalid('may not be specified when `port` is non-numeric');
      valid = false;
    }
    for (const problem of isValidPortName(port)) {
      portField.invalid(problem);
      valid = false;
    }
    return valid ? { kind: 'named', protocol, name: port } : undefined;
  }
  portField.report('error', 'type', 'expected a port number or a port name');
  return undefined;
}
