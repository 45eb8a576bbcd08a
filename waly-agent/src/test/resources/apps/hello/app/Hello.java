package app;

/** An application that never touches a database: the agent must be silent and cost nothing. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
