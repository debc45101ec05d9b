import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'label' | 'children'>;

interface Props extends ButtonProps {
  /** What the button does, for screen readers and as its tooltip. */
  label: string;
  children: ComponentChildren;
}

/** A small button showing only an icon or a symbol; its label is read and shown on hover. */
export function IconButton({ label, children, class: className, ...rest }: Props) {
  return (
    <button type="button" class={`icon-button ${className ?? ''}`} title={label} {...rest}>
      <span aria-hidden="true">{children}</span>
      <span class="sr-only">{label}</span>
    </button>
  );
}

/** A 16-unit icon of one filled path, drawn at 14 px. */
export function Icon({ path }: { path: string }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path fill="currentColor" d={path} />
    </svg>
  );
}
