/** Placeholder until this dialog is built (issue 15). */
export default function QuickSwitcher() {
  return <p className="muted">Coming soon.</p>;
}
