import { HighlightStyle } from '@codemirror/language';
import { tags } from '@lezer/highlight';

// Colours come from the theme's tokens, so one style serves both themes and keeps their checked
// contrast (styles/contrast.test.ts) instead of inventing editor-only colours.
export const promqlHighlightStyle = HighlightStyle.define([
  { tag: tags.function(tags.variableName), color: 'var(--blue)' },
  { tag: [tags.operatorKeyword, tags.modifier, tags.logicOperator], color: 'var(--accent-text)' },
  { tag: tags.labelName, color: 'var(--amber)' },
  { tag: tags.string, color: 'var(--green)' },
  { tag: tags.number, color: 'var(--accent-text)' },
  { tag: tags.comment, color: 'var(--text-muted)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--red)' },
]);
