import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * A button that opens a small menu: Esc or a click outside closes it, ↑/↓ move between its items,
 * and choosing an item closes it.
 */
export function Menu({
  label,
  icon,
  children,
  className = '',
}: {
  label: string;
  icon: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', away);
    root.current?.querySelector<HTMLElement>('[role="menuitem"], input')?.focus();
    return () => document.removeEventListener('mousedown', away);
  }, [open]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
      root.current?.querySelector<HTMLElement>('button')?.focus();
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const items = [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"], [role="menu"] input') ?? [])];
      const i = items.indexOf(document.activeElement as HTMLElement);
      const next = items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
      if (next) {
        e.preventDefault();
        next.focus();
      }
    }
  };
  return (
    <div ref={root} className={`menu ${className}`} onKeyDown={onKeyDown}>
      <button
        type="button"
        className="icon-button"
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">{icon}</span>
      </button>
      {open && (
        <div
          className="menu-items"
          role="menu"
          aria-label={label}
          onClick={(e) => (e.target as HTMLElement).closest('[role="menuitem"]') && setOpen(false)}
        >
          {children}
        </div>
      )}
    </div>
  );
}
