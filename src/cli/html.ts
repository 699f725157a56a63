/** `span-lens html`. TODO: implement. */
export async function htmlCommand(_args: string[]): Promise<number> {
  process.stderr.write('span-lens html: not implemented yet\n');
  return 2;
}
