/** @module htm bound to preact: the page's templates are tagged template literals, no build step of their own. */
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
