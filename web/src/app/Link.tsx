import type { ComponentChildren, TargetedMouseEvent } from 'preact';
import { isModifiedClick, navigate } from './router';

interface Props {
  href: string;
  children: ComponentChildren;
  class?: string;
  'aria-current'?: 'page' | undefined;
}

/** An ordinary link (it opens in a new tab as any link does) that navigates within the app. */
export function Link({ href, children, ...rest }: Props) {
  const follow = (event: TargetedMouseEvent<HTMLAnchorElement>): void => {
    if (event.defaultPrevented || isModifiedClick(event)) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={follow} {...rest}>
      {children}
    </a>
  );
}
