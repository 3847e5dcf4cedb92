/** The app's tabs and the URL hash that names the open one (#explore, #train, …). */
export const TABS = [
  { id: 'explore', label: 'Explore' },
  { id: 'datasets', label: 'Datasets' },
  { id: 'train', label: 'Train' },
  { id: 'evaluate', label: 'Evaluate' },
  { id: 'study', label: 'Study' },
] as const;

export type TabId = (typeof TABS)[number]['id'];

export function tabFromHash(hash: string): TabId {
  const id = hash.replace(/^#\/?/, '').split(/[?&/]/)[0];
  return (TABS.find((t) => t.id === id)?.id ?? 'explore') as TabId;
}
