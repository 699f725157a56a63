/** `span-lens check`. TODO: implement. */
export async function checkCommand(_args: string[]): Promise<number> {
  process.stderr.write('span-lens check: not implemented yet\n');
  return 2;
}
