/**
 * Where each room's timeline was when the user left it: the message at the top of the view and its
 * offset, the rendered window, and whether it followed the newest message. Switching back restores
 * it exactly (Element and Zulip lose it).
 */
export interface ScrollMemory {
  anchorId: string | null;
  offset: number;
  startId: string | null;
  endId: string | null;
  stuck: boolean;
}

const memory = new Map<string, ScrollMemory>();

export const rememberScroll = (roomId: string, m: ScrollMemory) => void memory.set(roomId, m);
export const recallScroll = (roomId: string) => memory.get(roomId);
