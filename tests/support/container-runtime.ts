/**
 * testcontainers and the container runtime it found, or null (with the reason pushed to `tried`)
 * when none answers: the test servers then fall back to a Debian binary started here.
 */
export async function reachableContainerRuntime(tried: string[]) {
  const tc = await import('testcontainers')
  try {
    return { tc, runtime: await tc.getContainerRuntimeClient() }
  } catch (err) {
    tried.push(`testcontainers: ${(err as Error).message}`)
    return null
  }
}
