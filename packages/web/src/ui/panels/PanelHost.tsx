import { type ComponentType, lazy, Suspense, useEffect, useRef } from 'react';
import { type Panel, ui, useUi } from '../../state/ui.ts';
import { ThreadPanel } from './ThreadPanel.tsx';

// Panels other than threads are opened less often: their code loads when first opened.
const ProfilePanel = lazy(() => import('./ProfilePanel.tsx'));
const MembersPanel = lazy(() => import('./MembersPanel.tsx'));
const PinsPanel = lazy(() => import('./PinsPanel.tsx'));
const RoomSettingsPanel = lazy(() => import('./RoomSettingsPanel.tsx'));
const NotificationsPanel = lazy(() => import('./NotificationsPanel.tsx'));
const MePanel = lazy(() => import('./MePanel.tsx'));
// Search is opened with Ctrl/Cmd+F and typed into at once: its code is fetched when the app is idle,
// and once here it renders without suspending (a lazy component suspends on its first render even
// when its code is in, and the keys typed meanwhile would be lost).
let searchModule: { default: ComponentType } | null = null;
const loadSearch = () => import('../search/SearchPanel.tsx').then((m) => (searchModule = m));
const SearchPanel = lazy(loadSearch);
export const preloadSearch = (): void => void loadSearch().catch(() => {});
const ReportsPanel = lazy(() => import('./ReportsPanel.tsx'));

const TITLES: Record<Panel['kind'], string> = {
  thread: 'Thread',
  profile: 'Profile',
  members: 'Members',
  pins: 'Pinned messages',
  'room-settings': 'Room settings',
  notifications: 'Notifications',
  me: 'Your account',
  search: 'Search',
  reports: 'Reports',
};

function Body({ panel }: { panel: Panel }) {
  switch (panel.kind) {
    case 'thread':
      return <ThreadPanel messageId={panel.messageId} />;
    case 'profile':
      return <ProfilePanel userId={panel.userId} />;
    case 'members':
      return <MembersPanel roomId={panel.roomId} />;
    case 'pins':
      return <PinsPanel roomId={panel.roomId} />;
    case 'room-settings':
      return <RoomSettingsPanel roomId={panel.roomId} />;
    case 'notifications':
      return <NotificationsPanel />;
    case 'me':
      return <MePanel />;
    case 'search': {
      const Loaded = searchModule?.default;
      return Loaded ? <Loaded /> : <SearchPanel />;
    }
    case 'reports':
      return <ReportsPanel />;
  }
}

/** The side panel (full screen on a phone): one of threads, profiles, members, pins, settings, notifications. */
export function PanelHost() {
  const panel = useUi((u) => u.panel);
  const ref = useRef<HTMLElement>(null);
  const key = panel ? JSON.stringify(panel) : '';
  useEffect(() => {
    // A panel may name what takes the focus (the search box); its heading otherwise.
    if (panel) (ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current?.querySelector<HTMLElement>('h2'))?.focus();
  }, [key]);
  if (!panel) return null;
  return (
    <aside ref={ref} className="panel" aria-label={TITLES[panel.kind]}>
      <header className="panel-head">
        <h2 tabIndex={-1}>{TITLES[panel.kind]}</h2>
        <button type="button" className="icon-button" aria-label="Close panel" title="Close (Esc)" onClick={() => ui.set({ panel: null })}>
          <span aria-hidden="true">✕</span>
        </button>
      </header>
      <div className="panel-body">
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Body panel={panel} />
        </Suspense>
      </div>
    </aside>
  );
}
