// Everything that pulls in CodeMirror lives behind this module, which PromQLEditor imports
// lazily: a screen that merely links to an editor does not download it.

import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { lintKeymap } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, drawSelection, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { editorTheme } from './editorTheme';
import { promqlHighlightStyle } from './promqlHighlight';

export interface PromQLViewOptions {
  parent: HTMLElement;
  doc: string;
  label: string;
  id?: string;
  dark: boolean;
  onChange(value: string): void;
  onRun(): void;
}

export interface PromQLView {
  /** Replaces the text when it differs (a value set from outside, e.g. a history entry). */
  setValue(value: string): void;
  setLabel(label: string): void;
  setDark(dark: boolean): void;
  focus(): void;
  destroy(): void;
}

// Marks the text set through setValue: the caller knows it already, so it is not reported back.
const fromOutside = Annotation.define<boolean>();

// One completion client for every editor: its cache of metric names and labels is shared.
let sharedLanguage: PromQLExtension | null = null;

function promqlLanguage(): PromQLExtension {
  sharedLanguage ??= new PromQLExtension()
    .activateCompletion(true)
    .activateLinter(true)
    .setComplete({
      // Same origin: our server answers Prometheus' metadata API (labels, label values, series,
      // metadata). GET keeps the requests simple and cacheable; failures just mean no suggestions.
      remote: { url: '', httpMethod: 'GET', lookbackInterval: 12 * 60 * 60 * 1000 },
    });
  return sharedLanguage;
}

function contentAttributes(label: string, id: string | undefined): Record<string, string> {
  return id ? { 'aria-label': label, id } : { 'aria-label': label };
}

export function createPromQLView(options: PromQLViewOptions): PromQLView {
  const attributes = new Compartment();
  const darkness = new Compartment();

  const runKeys = Prec.highest(
    keymap.of([
      { key: 'Shift-Enter', run: () => (options.onRun(), true) },
      { key: 'Mod-Enter', run: () => (options.onRun(), true) },
    ]),
  );

  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        runKeys,
        // No indentWithTab: Tab must keep moving focus out of the editor.
        keymap.of([
          ...closeBracketsKeymap,
          ...completionKeymap,
          ...lintKeymap,
          ...historyKeymap,
          ...defaultKeymap,
        ]),
        history(),
        drawSelection(),
        highlightSpecialChars(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ icons: false }),
        promqlLanguage().asExtension(),
        syntaxHighlighting(promqlHighlightStyle),
        editorTheme,
        darkness.of(EditorView.theme({}, { dark: options.dark })),
        EditorView.lineWrapping,
        placeholder('Enter a PromQL query, e.g. rate(http_requests_total[5m])'),
        attributes.of(EditorView.contentAttributes.of(contentAttributes(options.label, options.id))),
        EditorView.updateListener.of((update) => {
          const typed = update.transactions.some((tr) => tr.docChanged && !tr.annotation(fromOutside));
          if (typed) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    setValue(value) {
      const current = view.state.doc.toString();
      if (value === current) return;
      view.dispatch({
        changes: { from: 0, to: current.length, insert: value },
        selection: { anchor: value.length },
        annotations: fromOutside.of(true),
      });
    },
    setLabel(label) {
      view.dispatch({
        effects: attributes.reconfigure(
          EditorView.contentAttributes.of(contentAttributes(label, options.id)),
        ),
      });
    },
    setDark(dark) {
      view.dispatch({ effects: darkness.reconfigure(EditorView.theme({}, { dark })) });
    },
    focus() {
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
