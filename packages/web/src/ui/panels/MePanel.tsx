/** Placeholder until this panel is built (issue 15). */
export default function MePanel() {
  return <p className="muted">Coming soon.</p>;
}
