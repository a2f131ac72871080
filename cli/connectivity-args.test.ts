import { describe, expect, it } from 'vitest';
import { checkGraphSize, GRAPH_LIMITS } from './connectivity-args.js';

describe('checkGraphSize', () => {
  const small = { svg: 3, dot: 10 };

  it('lets a graph up to its limit through, and bounds only svg and dot', () => {
    expect(() => checkGraphSize('svg', 3, 'list', small)).not.toThrow();
    expect(() => checkGraphSize('dot', 10, 'list', small)).not.toThrow();
    expect(() => checkGraphSize('txt', 1e9, 'list', small)).not.toThrow();
    expect(() => checkGraphSize('json', 1e9, 'diff', small)).not.toThrow();
  });

  it('refuses svg past its limit, suggesting --focus for a list and dot or a text format', () => {
    expect(() => checkGraphSize('svg', 4, 'list', small)).toThrow(
      '--output svg takes at most 3 connections and this list has more: narrow it to one workload with --focus NS/NAME, ' +
        "or use --output dot (up to 10; Graphviz's dot -Tsvg renders it) or txt, json, csv, md",
    );
    expect(() => checkGraphSize('svg', 4, 'diff', small)).toThrow(/^--output svg takes at most 3 connections and this diff has more: use --output dot/);
  });

  it('refuses dot past its limit, suggesting the streamed formats', () => {
    expect(() => checkGraphSize('dot', 11, 'list', small)).toThrow(/at most 10 connections .*--focus NS\/NAME, or use --output txt, json, csv or md/);
  });

  it('defaults to the documented limits', () => {
    expect(() => checkGraphSize('svg', GRAPH_LIMITS.svg, 'list')).not.toThrow();
    expect(() => checkGraphSize('svg', GRAPH_LIMITS.svg + 1, 'list')).toThrow(/at most 2,000 connections/);
    expect(() => checkGraphSize('dot', GRAPH_LIMITS.dot + 1, 'list')).toThrow(/at most 500,000 connections/);
  });
});
