/** The error `fn` throws as { type, message } ({ type: 'none' } when it returns), for comparing two devices' checks. */
export function thrown(fn: () => unknown): { type: string; message: string } {
  try {
    fn();
  } catch (e) {
    return { type: (e as Error).constructor.name, message: (e as Error).message };
  }
  return { type: 'none', message: '' };
}
