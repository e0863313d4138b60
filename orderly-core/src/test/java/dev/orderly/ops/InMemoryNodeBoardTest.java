package dev.orderly.ops;

class InMemoryNodeBoardTest extends NodeBoardContract {

    @Override
    protected NodeBoard newBoard() {
        return new InMemoryNodeBoard();
    }
}
