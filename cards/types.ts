/** An Adaptive Card as JSON: built from templates, validated in tests by the official library. */
export type AdaptiveCard = Record<string, unknown>;

export interface CardAction {
  type: 'Action.Execute' | 'Action.OpenUrl';
  title: string;
  verb?: string;
  data?: Record<string, unknown>;
  url?: string;
  style?: 'positive' | 'destructive' | 'default';
  associatedInputs?: 'auto' | 'none';
  fallback?: Record<string, unknown>;
}
