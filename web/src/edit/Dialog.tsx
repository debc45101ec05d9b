import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import './dialog.css';

interface Props {
  title: string;
  /** Escape or the close button. */
  onClose(): void;
  children: ComponentChildren;
  /** The dialog's buttons, below its content. */
  footer?: ComponentChildren;
  size?: 'small' | 'medium' | 'full';
  /** For questions that interrupt (confirmations): read as an alert dialog. */
  alert?: boolean;
  class?: string;
}

/**
 * A modal <dialog>: the browser keeps focus inside it and the page behind it inert, and gives
 * focus back to where it was when it closes. Its parent decides when it is shown, by rendering it.
 */
export function Dialog({ title, onClose, children, footer, size = 'medium', alert = false, ...rest }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class={`edit-dialog dialog-${size} ${rest.class ?? ''}`}
      role={alert ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault(); // the parent closes it, by no longer rendering it
        onClose();
      }}
    >
      <header class="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-button" onClick={onClose}>
          <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
            <path d="m3 3 10 10M13 3 3 13" stroke="currentColor" stroke-width="1.6" />
          </svg>
          <span class="sr-only">Close</span>
        </button>
      </header>
      <div class="dialog-body">{children}</div>
      {footer && <footer class="dialog-footer">{footer}</footer>}
    </dialog>
  );
}

interface ConfirmProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** A choice that loses work or data: the confirm button says so by its style too. */
  destructive?: boolean;
  cancelLabel?: string;
  onConfirm(): void;
  onCancel(): void;
}

/** A yes-or-no question; the safe answer has the focus first. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  destructive,
  cancelLabel,
  onConfirm,
  onCancel,
}: ConfirmProps) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      size="small"
      alert
      footer={
        <>
          <button type="button" class="control" onClick={onCancel} autoFocus>
            {cancelLabel ?? 'Cancel'}
          </button>
          <button type="button" class={destructive ? 'danger' : 'primary'} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}

interface FormProps {
  title: string;
  submitLabel: string;
  /** While the answer is awaited: the submit button says so, and waits. */
  busyLabel?: string;
  busy?: boolean;
  size?: Props['size'];
  onSubmit(): void;
  onClose(): void;
  /** The form's fields. */
  children: ComponentChildren;
  /** Under the form: what the server answered, when it refused. */
  outcome?: ComponentChildren;
}

/** A dialog holding one form: Enter in a field or the submit button submits it. */
export function FormDialog({
  title,
  submitLabel,
  busyLabel,
  busy = false,
  size,
  onSubmit,
  onClose,
  children,
  outcome,
}: FormProps) {
  const formId = useId();
  return (
    <Dialog
      title={title}
      size={size}
      onClose={onClose}
      footer={
        <>
          <button type="button" class="control" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} class="primary" disabled={busy}>
            {busy ? (busyLabel ?? submitLabel) : submitLabel}
          </button>
        </>
      }
    >
      <form
        id={formId}
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </form>
      {outcome}
    </Dialog>
  );
}
