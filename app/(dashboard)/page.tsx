import { redirect } from 'next/navigation';

/** The app opens on Members: the first thing staff look for is a person. */
export default function Home() {
  redirect('/members');
}
