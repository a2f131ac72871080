/** @module `list`, `diff` and `exposure` as text for people: one line per connection or change. */
import type { ConnSet } from '../analysis/conn-set.js';
import type { ConnectionChange } from '../analysis/diff.js';
import { endpointLabel } from '../analysis/endpoints.js';
import type { DirectionExposure, Exposure } from '../analysis/exposure.js';
import { connSetText } from './conn-set-text.js';
import { perObject, type ListWriter, type TextSink } from './list-writer.js';

export function textListWriter(sink: TextSink): ListWriter {
  let count = 0;
  const label = perObject(endpointLabel);
  const ports = perObject((set: ConnSet) => connSetText(set));
  return {
    connection(c, why) {
      count++;
      const line = `${label(c.src)} => ${label(c.dst)} : ${ports(c.set)}`;
      sink.write(why ? `${line}\n    egress: ${why.egress.join('; ')}\n    ingress: ${why.ingress.join('; ')}\n` : `${line}\n`);
    },
    end() {
      if (count === 0) sink.write('no connections are allowed\n');
    },
  };
}

const MARK = { added: '+', removed: '-', changed: '~' } as const;

export function diffText(changes: readonly ConnectionChange[]): string {
  if (changes.length === 0) return 'no differences\n';
  return changes
    .map((c) => {
      const sets = c.change === 'changed' ? `${connSetText(c.old)} -> ${connSetText(c.new)}` : connSetText(c.change === 'added' ? c.new : c.old);
      return `${MARK[c.change]} ${c.change} ${endpointLabel(c.src)} => ${endpointLabel(c.dst)} : ${sets}${c.note ? `  (${c.note})` : ''}`;
    })
    .join('\n')
    .concat('\n');
}

export function exposureText(exposure: Exposure): string {
  const lines: string[] = [];
  for (const w of exposure.workloads) {
    lines.push(endpointLabel(w.workload));
    lines.push(...directionLines('ingress from', w.ingress), ...directionLines('egress to', w.egress));
  }
  if (lines.length === 0) lines.push('no workload is open to every namespace, every pod or the whole outside world');
  if (exposure.futureRules.length > 0) {
    lines.push('', 'rules that match no pod today but would admit one created later:');
    for (const r of exposure.futureRules) {
      const rule = r.ruleName === undefined ? `rule ${r.rule}` : `rule ${r.rule} (${r.ruleName})`;
      lines.push(`  ${r.policy} ${r.direction} ${rule} peer ${r.peer}: ${r.selects}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function directionLines(label: string, d: DirectionExposure): string[] {
  const out: string[] = [];
  if (d.allNamespaces) out.push(`  ${label} every namespace: ${connSetText(d.allNamespaces)}`);
  if (d.allPods) out.push(`  ${label} every pod of the cluster: ${connSetText(d.allPods)}`);
  if (d.world.ipv4) out.push(`  ${label} 0.0.0.0/0: ${connSetText(d.world.ipv4)}`);
  if (d.world.ipv6) out.push(`  ${label} ::/0: ${connSetText(d.world.ipv6)}`);
  return out;
}
