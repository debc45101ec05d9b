import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useThemeName } from '../app/theme';
import type { PromQLView } from './promqlView';
import './promqlEditor.css';

export interface PromQLEditorProps {
  /** The query text; the editor is controlled, so pass back what onChange gives you. */
  value: string;
  /** Called on every edit with the whole text. */
  onChange: (value: string) => void;
  /** Shift+Enter or Ctrl/Cmd+Enter (Enter alone adds a line, as queries can be multi-line). */
  onRun?: () => void;
  /** The accessible name of the text box (aria-label of CodeMirror's contenteditable). */
  label: string;
  /** The id of the text box itself, e.g. for aria-describedby elsewhere (a <label for> cannot name it). */
  id?: string;
  autoFocus?: boolean;
}

/**
 * A PromQL text box: highlighting, syntax errors underlined (hover, or Ctrl/Cmd+Shift+M for the
 * list), completion of functions, metric names, labels and label values from this server, and
 * Tab left to move focus on. CodeMirror loads in its own chunk on first use; until then (or if
 * that fails) a plain textarea with the same props stands in.
 */
export function PromQLEditor(props: PromQLEditorProps) {
  const { value, label, id, autoFocus } = props;
  const dark = useThemeName() === 'dark';
  const host = useRef<HTMLDivElement>(null);
  const fallback = useRef<HTMLTextAreaElement>(null);
  const view = useRef<PromQLView | null>(null);
  const [loaded, setLoaded] = useState(false);
  // Texts the editor reported through onChange that have not come back as `value` yet.
  const echoes = useRef<string[]>([]);

  // CodeMirror keeps the callbacks it was created with: route them through refs to the latest ones.
  const latest = useRef(props);
  latest.current = props;
  const run = (): void => latest.current.onRun?.();

  useEffect(() => {
    if (autoFocus) fallback.current?.focus();
    let alive = true;
    import('./promqlView')
      .then(({ createPromQLView }) => {
        if (!alive || !host.current) return;
        const hadFocus = document.activeElement === fallback.current;
        view.current = createPromQLView({
          parent: host.current,
          doc: latest.current.value,
          label: latest.current.label,
          id: latest.current.id,
          dark,
          onChange: (text) => {
            echoes.current.push(text);
            latest.current.onChange(text);
          },
          onRun: run,
        });
        setLoaded(true);
        if (hadFocus || latest.current.autoFocus) view.current.focus();
      })
      .catch(() => {
        // Offline or a stale deployment: the plain textarea keeps working.
      });
    return () => {
      alive = false;
      view.current?.destroy();
      view.current = null;
    };
  }, []);

  // A `value` the editor itself reported is an echo, possibly of an older keystroke when a render
  // came between two: writing it back would undo the newer typing and loop. Only a value from
  // elsewhere (a history entry, Back) replaces the text. A layout effect, so that it runs before
  // the next keystroke.
  useLayoutEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const echo = echoes.current.lastIndexOf(value);
    if (echo >= 0) {
      echoes.current.splice(0, echo + 1);
      return;
    }
    echoes.current = [];
    editor.setValue(value);
  }, [value, loaded]);
  // With `loaded`: a change made while CodeMirror was still loading is applied once it is there.
  useEffect(() => view.current?.setLabel(label), [label, loaded]);
  useEffect(() => view.current?.setDark(dark), [dark, loaded]);

  const onFallbackKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && (event.shiftKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  };

  return (
    <div class="promql-editor">
      {/* CodeMirror owns this node's children; Preact never renders into it. */}
      <div ref={host} />
      {!loaded && (
        <textarea
          ref={fallback}
          class="promql-editor-fallback"
          id={id}
          aria-label={label}
          value={value}
          rows={1}
          spellcheck={false}
          onInput={(event) => props.onChange(event.currentTarget.value)}
          onKeyDown={onFallbackKey}
        />
      )}
    </div>
  );
}
