import type { ComponentChildren } from 'preact';
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import './menu.css';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
  /** An on/off item (menuitemcheckbox) when set. */
  checked?: boolean;
  /** Starts a new group: a line is drawn above it. */
  groupStart?: boolean;
}

interface Props {
  /** The button's accessible name ("Menu for API latency"). */
  label: string;
  items: MenuItem[];
  children: ComponentChildren;
  class?: string;
  /** Called as the menu opens (to start loading what its items need). */
  onOpen?(): void;
}

type Place = { top: string; right: string } | { bottom: string; right: string };

/**
 * A menu button as WAI-ARIA's authoring practices describe it: Enter, Space and Down open it on
 * the first item, Up on the last; arrows, Home and End move through the items, a letter to the
 * next item starting with it; Escape closes it and Tab leaves it, focus going back to the
 * button. The menu is placed in the viewport, so a panel that clips its content does not clip it.
 */
export function MenuButton({ label, items, children, class: className, onOpen }: Props) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [place, setPlace] = useState<Place>({ top: '0', right: '0' });
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);

  const enabled = items.map((item, index) => (item.disabled ? -1 : index)).filter((index) => index >= 0);

  const openAt = (index: number): void => {
    const box = buttonRef.current?.getBoundingClientRect();
    if (box) {
      const right = `${Math.max(window.innerWidth - box.right, 4)}px`;
      // Below the button when it fits, else above it.
      const room = Math.min(items.length * 32 + 16, window.innerHeight / 2);
      setPlace(
        window.innerHeight - box.bottom > room
          ? { top: `${box.bottom + 4}px`, right }
          : { bottom: `${window.innerHeight - box.top + 4}px`, right },
      );
    }
    setActive(index);
    setOpen(true);
    onOpen?.();
  };

  const close = (focusButton: boolean): void => {
    setOpen(false);
    if (focusButton) buttonRef.current?.focus();
  };

  const choose = (item: MenuItem): void => {
    if (item.disabled) return;
    close(true);
    item.onSelect(); // after focus went back: an item may move focus on (a dialog, a new view)
  };

  useLayoutEffect(() => {
    if (open) menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]')[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (event: PointerEvent): void => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    // A fixed menu would float away from its button as the page scrolls.
    const onScroll = (event: Event): void => {
      if (!menuRef.current?.contains(event.target as Node)) close(false);
    };
    document.addEventListener('pointerdown', onPointer);
    window.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', onScroll);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('scroll', onScroll, true);
      window.removeEventListener('resize', onScroll);
    };
  }, [open]);

  const step = (direction: 1 | -1): void => {
    const at = enabled.indexOf(active);
    const next = enabled[(at + direction + enabled.length) % enabled.length];
    if (next !== undefined) setActive(next);
  };

  const onMenuKey = (event: KeyboardEvent): void => {
    const item = items[active];
    if (event.key === 'ArrowDown') step(1);
    else if (event.key === 'ArrowUp') step(-1);
    else if (event.key === 'Home') setActive(enabled[0] ?? 0);
    else if (event.key === 'End') setActive(enabled[enabled.length - 1] ?? 0);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') close(false);
    else if ((event.key === 'Enter' || event.key === ' ') && item) choose(item);
    else if (event.key.length === 1 && /\S/.test(event.key)) {
      const letter = event.key.toLowerCase();
      const after = [
        ...enabled.filter((index) => index > active),
        ...enabled.filter((index) => index <= active),
      ];
      const match = after.find((index) => items[index]?.label.toLowerCase().startsWith(letter));
      if (match !== undefined) setActive(match);
    } else return;
    if (event.key !== 'Tab') event.preventDefault();
    // Escape stops here: the view behind (a panel shown alone) must not take it too.
    event.stopPropagation();
  };

  const onButtonKey = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      openAt(event.key === 'ArrowDown' ? (enabled[0] ?? 0) : (enabled[enabled.length - 1] ?? 0));
    }
  };

  return (
    <>
      <button
        type="button"
        ref={buttonRef}
        id={`${id}-button`}
        class={className}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        aria-label={label}
        title={label}
        onClick={() => (open ? close(false) : openAt(enabled[0] ?? 0))}
        onKeyDown={onButtonKey}
      >
        {children}
      </button>
      {open && (
        <ul
          ref={menuRef}
          id={`${id}-menu`}
          class="menubutton-menu"
          role="menu"
          aria-labelledby={`${id}-button`}
          style={{ position: 'fixed', ...place }}
          onKeyDown={onMenuKey}
        >
          {items.map((item, index) => [
            item.groupStart && index > 0 ? (
              <li key={`${index}-line`} role="separator" class="menubutton-line" />
            ) : null,
            <li
              key={item.label}
              role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
              aria-checked={item.checked}
              aria-disabled={item.disabled || undefined}
              tabIndex={-1}
              class="menubutton-item"
              onClick={() => choose(item)}
              onFocus={() => index !== active && setActive(index)}
              onPointerMove={() => !item.disabled && index !== active && setActive(index)}
            >
              {item.label}
            </li>,
          ])}
        </ul>
      )}
    </>
  );
}
