const mod = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

export const SHORTCUTS: [string, string][] = [
  [`${mod}+K`, 'Go to a room or person'],
  [`${mod}+F`, 'Search messages'],
  ['Alt+↑ / Alt+↓', 'Previous / next room'],
  ['Alt+Shift+↓', 'Next room with unread messages'],
  ['Esc', 'Close the panel, or mark the room read'],
  ['↑ (empty message box)', 'Edit your last message'],
  ['Enter / Shift+Enter', 'Send / new line'],
  ['↑ / ↓ (in the timeline)', 'Move between messages'],
  ['/', 'Focus the message box'],
  ['?', 'Show this list'],
];

/** The shortcut list (`?`). */
export default function ShortcutsDialog() {
  return (
    <dl className="shortcuts">
      {SHORTCUTS.map(([k, v]) => (
        <div key={k} className="shortcut">
          <dt>
            <kbd>{k}</kbd>
          </dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
