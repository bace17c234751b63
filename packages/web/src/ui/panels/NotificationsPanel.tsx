/** Placeholder until this panel is built (issue 15). */
export default function NotificationsPanel() {
  return <p className="muted">Coming soon.</p>;
}
